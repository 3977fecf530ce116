package rpc

import "time"

// componentMetrics are the metrics of one component target (nil: none).
type componentMetrics struct{}

// metrics are the host's metrics.
type metrics struct{}

func (m *metrics) component(string) *componentMetrics { return nil }

func (m *componentMetrics) gauges(*pool)            {}
func (m *componentMetrics) queueWait(time.Duration) {}
func (m *componentMetrics) started()                {}
