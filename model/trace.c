/* Traces: everything the model is told during a run, in order, so that the
 * MMU/TLB model alone can run it again under another TLB preset (replay.c).
 * The format is described in internal.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "model/internal.h"

static uint64_t sum_step(uint64_t h, const uint8_t *p)
{
	h = (h ^ ((uint64_t)get32(p) | (uint64_t)get32(p + 4) << 32)) * 0xBF58476D1CE4E5B9ull;
	return h ^ h >> 29;
}

/* A multiply-xorshift hash of the payload (zero-padded to 32 bytes) in four
 * lanes of eight bytes, so that the multiplies overlap: it catches a
 * corrupt chunk at several GB/s, which a CRC done bytewise would not. */
uint32_t model_chunk_sum(const uint8_t *p, size_t n)
{
	uint64_t lane[4] = { 0x9E3779B97F4A7C15ull ^ n, 1, 2, 3 };
	uint8_t tail[32] = { 0 };
	size_t whole = n & ~(size_t)31;
	memcpy(tail, p + whole, n - whole);
	for (size_t i = 0; i < n; i += 32) {
		const uint8_t *w = i < whole ? p + i : tail;
		for (unsigned k = 0; k < 4; k++)
			lane[k] = sum_step(lane[k], w + 8 * k);
	}
	uint8_t rest[8];
	uint64_t h = lane[0];
	for (unsigned k = 1; k < 4; k++) {
		for (unsigned b = 0; b < 8; b++)
			rest[b] = (uint8_t)(lane[k] >> 8 * b);
		h = sum_step(h, rest);
	}
	return (uint32_t)(h ^ h >> 32);
}

struct model_trace {
	FILE *f;
	bool failed;
	uint64_t last_pa;       /* of the last access; NO_PA when it faulted */
	unsigned last_size;
	struct predictor guess;
	size_t used;            /* bytes of chunk[] filled */
	uint8_t chunk[CHUNK_HEAD + CHUNK_MAX];
};

static void flush_chunk(model_trace *t)
{
	uint8_t *payload = t->chunk + CHUNK_HEAD;
	put32(t->chunk, (uint32_t)t->used);
	put32(t->chunk + 4, model_chunk_sum(payload, t->used));
	if (!t->failed && fwrite(t->chunk, 1, CHUNK_HEAD + t->used, t->f) != CHUNK_HEAD + t->used)
		t->failed = true;
	t->used = 0;
}

/* Room for a record of up to n bytes in the chunk; advance t->used by the
 * bytes actually written. */
static uint8_t *room(model_trace *t, size_t n)
{
	if (t->used + n > CHUNK_MAX)
		flush_chunk(t);
	return t->chunk + CHUNK_HEAD + t->used;
}

static void put(model_trace *t, const void *p, size_t len)
{
	memcpy(room(t, len), p, len);
	t->used += len;
}

static unsigned put_varint(uint8_t *p, uint32_t v)
{
	unsigned n = 0;
	for (; v >= 0x80; v >>= 7)
		p[n++] = (uint8_t)(v | 0x80);
	p[n++] = (uint8_t)v;
	return n;
}

static uint32_t zigzag(uint32_t delta)
{
	return delta << 1 ^ (uint32_t)-(int32_t)(delta >> 31);
}

static bool page_is_zero(const uint8_t *p)
{
	static const uint8_t zero[PAGE];
	return !memcmp(p, zero, PAGE);
}

/* A name as u8 length and bytes (at most 255 of them). */
static void put_name(model_trace *t, const char *name)
{
	size_t len = strnlen(name, 255);
	uint8_t *p = room(t, 1 + len);
	p[0] = (uint8_t)len;
	memcpy(p + 1, name, len);
	t->used += 1 + len;
}

model_trace *model_trace_open(const char *path, const char *workload, const model_t *m,
			      char *err, size_t errlen)
{
	model_trace *t = calloc(1, sizeof *t);
	if (!t || !(t->f = fopen(path, "wb"))) {
		snprintf(err, errlen, "cannot write trace %s: %s", path, strerror(errno));
		free(t);
		return NULL;
	}
	t->last_pa = NO_PA;
	uint8_t magic[MAGIC_SIZE] = TRACE_MAGIC;
	put32(magic + 8, TRACE_VERSION);
	if (fwrite(magic, 1, sizeof magic, t->f) != sizeof magic)
		t->failed = true;
	uint8_t head[HEADER_SIZE];
	const mmu_regime *reset = &m->regime;
	const uint8_t *ram = m->ram.host;
	const uint32_t ram_size = m->ram.size;
	const uint32_t words[12] = { m->ram.pa, ram_size, reset->sctlr, reset->ttbr0, reset->ttbr1,
				     reset->ttbcr, reset->dacr, reset->prrr, reset->nmrr,
				     reset->contextidr, reset->has_pxn, reset->non_secure };
	for (int i = 0; i < 12; i++)
		put32(head + 4 * i, words[i]);
	put(t, head, sizeof head);
	put_name(t, workload);
	for (uint32_t at = 0; at + PAGE <= ram_size; at += PAGE)
		if (!page_is_zero(ram + at)) {
			uint8_t *p = room(t, 5 + PAGE);
			p[0] = 'P';
			put32(p + 1, at);
			memcpy(p + 5, ram + at, PAGE);
			t->used += 5 + PAGE;
		}
	return t;
}

bool model_trace_close(model_trace *t)
{
	if (!t)
		return true;
	if (t->used)
		flush_chunk(t);
	flush_chunk(t); /* the empty chunk that ends the trace */
	bool ok = fclose(t->f) == 0 && !t->failed;
	free(t);
	return ok;
}

void model_trace_tick(model_trace *t, uint32_t insns)
{
	uint8_t *p = room(t, 1 + VARINT_MAX);
	if (insns >= 1 && insns <= TICK_SHORT_MAX) {
		p[0] = (uint8_t)insns;
		t->used += 1;
	} else {
		p[0] = 't';
		t->used += 1 + put_varint(p + 1, insns);
	}
}

void model_trace_access(model_trace *t, uint32_t va, mmu_kind kind, bool user, unsigned size,
		      uint32_t pc, uint64_t pa)
{
	unsigned log2 = size >= 8 ? 3 : size >= 4 ? 2 : size >= 2 ? 1 : 0;
	uint8_t *p = room(t, 1 + 2 * VARINT_MAX);
	uint32_t *guess = predict(&t->guess, kind);
	p[0] = (uint8_t)(ACCESS_TAG | kind | (unsigned)user << 2 | log2 << 3 |
			 (pc == va ? PC_IS_VA : 0));
	unsigned n = 1 + put_varint(p + 1, zigzag(va - *guess));
	if (pc != va)
		n += put_varint(p + n, zigzag(pc - t->guess.fetch));
	t->used += n;
	predicted(&t->guess, kind, guess, va);
	t->last_pa = pa;
	t->last_size = 1u << log2;
}

void model_trace_cp15(model_trace *t, unsigned crn, unsigned opc1, unsigned crm, unsigned opc2,
		    uint32_t value)
{
	uint8_t ev[9] = { 'C', (uint8_t)crn, (uint8_t)opc1, (uint8_t)crm, (uint8_t)opc2 };
	put32(ev + 5, value);
	put(t, ev, sizeof ev);
}

void model_trace_marker(model_trace *t, const char *name)
{
	/* One record in one chunk: room for the tag and the name together. */
	room(t, 2 + strnlen(name, 255))[0] = 'M';
	t->used++;
	put_name(t, name);
}

void model_trace_write(model_trace *t, uint32_t pa, const void *data, size_t len)
{
	const uint8_t *p = data;
	if (pa == t->last_pa && len == t->last_size) {
		uint8_t *ev = room(t, 1 + len);
		ev[0] = 'w';
		memcpy(ev + 1, p, len);
		t->used += 1 + len;
		t->last_pa = NO_PA; /* one store, one write */
		return;
	}
	while (len) {
		uint8_t n = len > 255 ? 255 : (uint8_t)len;
		uint8_t *ev = room(t, 6u + n);
		ev[0] = 'W';
		put32(ev + 1, pa);
		ev[5] = n;
		memcpy(ev + 6, p, n);
		t->used += 6u + n;
		p += n, pa += n, len -= n;
	}
}

