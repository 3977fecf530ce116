// Loops as clang compiles them (wasm32, -O2), for the differential test of
// the interruption rewrite. Built with:
//   clang-14 --target=wasm32-wasi -O2 -nostdlib -Wl,--no-entry -o cloops.wasm cloops.c
#define EXPORT(name) __attribute__((export_name(name)))

static unsigned char buf[65536];
static unsigned mat[64][64];

EXPORT("fill") void fill(unsigned seed) {
	for (unsigned i = 0; i < sizeof buf; i++) {
		seed = seed * 1103515245u + 12345u;
		buf[i] = (unsigned char)(seed >> 16);
	}
}

EXPORT("sum_const") unsigned sum_const(void) {
	unsigned s = 0;
	for (unsigned i = 0; i < 65536; i++)
		s += buf[i] * 3u ^ i;
	return s;
}

EXPORT("sum_n") unsigned sum_n(unsigned n) {
	unsigned s = 0;
	for (unsigned i = 0; i < n; i++)
		s += buf[i & 65535] * i;
	return s;
}

EXPORT("stride") int stride(int x) {
	int s = 0;
	for (int i = 0; i < 1000; i += 3)
		s += buf[i] ^ x;
	return s;
}

EXPORT("matrix") unsigned matrix(unsigned k) {
	for (unsigned i = 0; i < 64; i++)
		for (unsigned j = 0; j < 64; j++)
			mat[i][j] = buf[(i * 64 + j + k) & 65535] + i * j;
	unsigned s = 0;
	for (unsigned i = 0; i < 64; i++)
		for (unsigned j = 0; j < 64; j++)
			s = s * 31 + mat[j][i];
	return s;
}

EXPORT("squares") unsigned long long squares(unsigned n) {
	unsigned long long s = 0;
	for (unsigned i = 0; i < n; i++)
		s += (unsigned long long)i * (i ^ 7);
	return s;
}

EXPORT("countdown") unsigned countdown(unsigned n) {
	unsigned s = 0;
	while (n--)
		s = s * 7 + n;
	return s;
}

EXPORT("strided_n") unsigned strided_n(unsigned from, unsigned n) {
	unsigned s = 0;
	for (unsigned i = from; i < n; i += 5)
		s = s * 31 + buf[i & 65535];
	return s;
}
