package rpc

import (
	"errors"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/wasifill/wasifill/internal/rpcwit"
)

// Metric names and labels (docs/operations.md lists them; tests outside
// the repository read them).
const (
	metricInvocations = "wasifill_invocations_total"
	metricDuration    = "wasifill_invocation_duration_seconds"
	metricInstances   = "wasifill_instances"
	metricStarts      = "wasifill_instance_starts_total"
	metricQueueWait   = "wasifill_queue_wait_seconds"
	metricExtensions  = "wasifill_deadline_extensions_total"
	metricSlow        = "wasifill_invocation_slow_total"
)

// outcomeOK and outcomeQueuedOut are the outcome label of an invocation
// that succeeded and of one that found no instance before its deadline;
// the others are the rpc-error cases (deadline-exceeded, not-found, …).
const (
	outcomeOK        = "ok"
	outcomeQueuedOut = "queued-out"
)

// maxCallSeries bounds the interface/function label pairs of one
// component: interface and function names come from guests and from the
// lattice, so past this many they are counted as otherLabel.
const maxCallSeries = 256

// otherLabel stands for the interface and function of invocations past a
// component's maxCallSeries distinct ones.
const otherLabel = "_other"

// metrics are one host's metrics, in a registry of its own.
type metrics struct {
	reg         *prometheus.Registry
	invocations *prometheus.CounterVec
	duration    *prometheus.HistogramVec
	instances   *prometheus.GaugeVec
	starts      *prometheus.CounterVec
	queueWait   *prometheus.HistogramVec
	extensions  *prometheus.CounterVec
	slow        *prometheus.CounterVec

	mu         sync.RWMutex
	components map[string]*componentMetrics
	calls      map[callKey]*callMetrics
}

type callKey struct{ component, iface, fn string }

// componentMetrics are the series of one component target.
type componentMetrics struct {
	busy, idle prometheus.Gauge
	starts     prometheus.Counter
	queueWait  prometheus.Observer
	extensions prometheus.Counter
	calls      int // distinct interface/function pairs (metrics.mu)
}

// callMetrics are the series of one component's function.
type callMetrics struct {
	ok       prometheus.Counter
	duration prometheus.Observer
	slow     prometheus.Counter
	typical  quantile // slow.go
	key      callKey
}

func newMetrics() *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		invocations: prometheus.NewCounterVec(prometheus.CounterOpts{Name: metricInvocations,
			Help: "Invocations served, by outcome: ok, an rpc-error case, or queued-out (no instance before the deadline)."},
			[]string{"component", "interface", "function", "outcome"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: metricDuration,
			Help: "How long invocations ran, from their start (admission and queueing included) to their answer.", Buckets: durationBuckets},
			[]string{"component", "interface", "function"}),
		instances: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: metricInstances,
			Help: "Instances of a component alive, by state: busy (serving or starting) or idle."},
			[]string{"component", "state"}),
		starts: prometheus.NewCounterVec(prometheus.CounterOpts{Name: metricStarts,
			Help: "Cold starts: instances started because an invocation found none idle (warm ones are not counted)."},
			[]string{"component"}),
		queueWait: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: metricQueueWait,
			Help: "How long invocations waited for an instance of a component (0 when one was free).", Buckets: durationBuckets},
			[]string{"component"}),
		extensions: prometheus.NewCounterVec(prometheus.CounterOpts{Name: metricExtensions,
			Help: "Deadline extensions granted to guests (wasifill:rpc/deadline extend)."},
			[]string{"component"}),
		slow: prometheus.NewCounterVec(prometheus.CounterOpts{Name: metricSlow,
			Help: "Invocations still running past k times the p99 of their function's recent successful ones (the slow-call guardrail)."},
			[]string{"component", "interface", "function"}),
		components: map[string]*componentMetrics{},
		calls:      map[callKey]*callMetrics{},
	}
	m.reg.MustRegister(m.invocations, m.duration, m.instances, m.starts, m.queueWait, m.extensions, m.slow)
	return m
}

// durationBuckets span 50 µs to 30 s.
var durationBuckets = prometheus.ExponentialBucketsRange(50e-6, 30, 16)

// component returns component's series, made on first use.
func (m *metrics) component(name string) *componentMetrics {
	m.mu.RLock()
	cm := m.components[name]
	m.mu.RUnlock()
	if cm != nil {
		return cm
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if cm = m.components[name]; cm == nil {
		cm = &componentMetrics{
			busy:       m.instances.WithLabelValues(name, "busy"),
			idle:       m.instances.WithLabelValues(name, "idle"),
			starts:     m.starts.WithLabelValues(name),
			queueWait:  m.queueWait.WithLabelValues(name),
			extensions: m.extensions.WithLabelValues(name),
		}
		m.components[name] = cm
	}
	return cm
}

// call returns the series of component's iface#fn, made on first use.
func (m *metrics) call(component, iface, fn string) *callMetrics {
	k := callKey{component, iface, fn}
	m.mu.RLock()
	c := m.calls[k]
	m.mu.RUnlock()
	if c != nil {
		return c
	}
	cm := m.component(component)
	m.mu.Lock()
	defer m.mu.Unlock()
	if c = m.calls[k]; c != nil {
		return c
	}
	if cm.calls >= maxCallSeries {
		k.iface, k.fn = otherLabel, otherLabel
		if c = m.calls[k]; c != nil {
			return c
		}
	}
	cm.calls++
	c = &callMetrics{key: k,
		ok:       m.invocations.WithLabelValues(k.component, k.iface, k.fn, outcomeOK),
		duration: m.duration.WithLabelValues(k.component, k.iface, k.fn),
		slow:     m.slow.WithLabelValues(k.component, k.iface, k.fn)}
	m.calls[k] = c
	return c
}

// done records an invocation that started at start and ended with err.
func (m *metrics) done(c *callMetrics, start time.Time, err error) {
	c.duration.Observe(time.Since(start).Seconds())
	if err == nil {
		c.ok.Inc()
		return
	}
	m.invocations.WithLabelValues(c.key.component, c.key.iface, c.key.fn, outcome(err)).Inc()
}

// outcome is the outcome label of a failed invocation.
func outcome(err error) string {
	var re *Error
	if !errors.As(err, &re) {
		return rpcwit.ErrorCases[Trap]
	}
	if re.queuedOut {
		return outcomeQueuedOut
	}
	if int(re.Kind) < len(rpcwit.ErrorCases) {
		return rpcwit.ErrorCases[re.Kind]
	}
	return rpcwit.ErrorCases[TransportFailed]
}

func (cm *componentMetrics) gauges(p *pool) {
	busy, idle := p.counts()
	cm.busy.Set(float64(busy))
	cm.idle.Set(float64(idle))
}

func (cm *componentMetrics) queueWaited(d time.Duration) { cm.queueWait.Observe(d.Seconds()) }

func (cm *componentMetrics) started() { cm.starts.Inc() }

// Registry is the host's metrics registry (its own: hosts share nothing),
// for a /metrics handler; a program may register its own collectors
// there.
func (h *Host) Registry() *prometheus.Registry { return h.metrics.reg }
