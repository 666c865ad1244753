/* Traces: everything the model is told during a run, in order, so that the
 * MMU/TLB model alone can run it again under another TLB preset.
 *
 * A trace (version 4) is the magic "MMUSTRC\0" and a u32 version, then
 * chunks: u32 payload length (at most CHUNK_MAX), u32 checksum of the
 * payload (chunk_sum), the payload.  A chunk of length 0 ends the trace.
 * No record spans two chunks.  The payloads hold, all integers
 * little-endian, "varint" an unsigned LEB128 and "zvarint" a zigzag one:
 *   the header: u32 RAM base and size, the regime at the start (10 u32),
 *               u8 length and the workload's name (the default ROI's NAME);
 *   'P' u32 offset, 4096 bytes            a non-zero page of RAM at the start
 *   1..63 / 't' varint insns              instructions retired (emu_model_retire)
 *   'C' u8 crn, opc1, crm, opc2, u32 value                one CP15 write
 *   0x80|kind|user<<2|log2(size)<<3 [|0x40], zvarint va - guess [, zvarint pc - fetch]
 *                                         one access; 0x40: pc == va (every fetch)
 *   'w' size bytes                        the last access, a store, wrote these at its PA
 *   'W' u32 pa, u8 len, len bytes         any other RAM write (the host's)
 *   'M' u8 len, len bytes                 a marker the guest reported (names
 *                                         are cut at 255 bytes; an ROI name
 *                                         has at most 53)
 * An access stores its VA as the difference from a guess (struct predictor)
 * and its PC as the difference from the last fetch: most accesses take two
 * or three bytes.  Versions 1 and 2 were raw deflate streams; inflating
 * cost as much as the model (docs/benchmarks.md), so versions 3 and 4 are
 * not; version 3 had no markers and no workload name.  Descriptors are
 * read from the replayed RAM, so walks and stale-TLB checks see what the
 * live run saw. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "emu/internal.h"
#include "emu/model.h"

#define TRACE_MAGIC "MMUSTRC"
#define TRACE_VERSION 4u
#define MAGIC_SIZE 12                   /* magic and version */
#define CHUNK_HEAD 8                    /* length and checksum */
#define CHUNK_MAX (1u << 16)
#define HEADER_SIZE (4 * 12)
#define PAGE 4096u
#define ACCESS_TAG 0x80u
#define PC_IS_VA 0x40u
#define TICK_SHORT_MAX 63u              /* ticks up to this are one byte */
#define VARINT_MAX 5
#define NO_PA (~0ull)

/* The guesses both ends make: a fetch is guessed at the last fetch, a data
 * access at the address of the data access with the same ordinal after the
 * same fetch (the same instruction of the same block, mostly) last time. */
#define GUESSES 1024u
struct predictor {
	uint32_t fetch;         /* the last fetch's VA */
	unsigned ordinal;       /* data accesses since it */
	uint32_t data[GUESSES];
};

static uint32_t *data_guess(struct predictor *g)
{
	return &g->data[((g->fetch >> 1) + g->ordinal * 0x9E37u) % GUESSES];
}

/* Where the access's VA was guessed; *guess is updated with the VA after. */
static uint32_t *predict(struct predictor *g, mmu_kind kind)
{
	return kind == MMU_FETCH ? &g->fetch : data_guess(g);
}

static void predicted(struct predictor *g, mmu_kind kind, uint32_t *guess, uint32_t va)
{
	*guess = va;
	if (kind == MMU_FETCH)
		g->ordinal = 0;
	else
		g->ordinal++;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v, p[1] = (uint8_t)(v >> 8), p[2] = (uint8_t)(v >> 16), p[3] = (uint8_t)(v >> 24);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t sum_step(uint64_t h, const uint8_t *p)
{
	h = (h ^ ((uint64_t)get32(p) | (uint64_t)get32(p + 4) << 32)) * 0xBF58476D1CE4E5B9ull;
	return h ^ h >> 29;
}

/* A multiply-xorshift hash of the payload (zero-padded to 32 bytes) in four
 * lanes of eight bytes, so that the multiplies overlap: it catches a
 * corrupt chunk at several GB/s, which a CRC done bytewise would not. */
static uint32_t chunk_sum(const uint8_t *p, size_t n)
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

struct emu_trace {
	FILE *f;
	bool failed;
	uint64_t last_pa;       /* of the last access; NO_PA when it faulted */
	unsigned last_size;
	struct predictor guess;
	size_t used;            /* bytes of chunk[] filled */
	uint8_t chunk[CHUNK_HEAD + CHUNK_MAX];
};

static void flush_chunk(emu_trace *t)
{
	uint8_t *payload = t->chunk + CHUNK_HEAD;
	put32(t->chunk, (uint32_t)t->used);
	put32(t->chunk + 4, chunk_sum(payload, t->used));
	if (!t->failed && fwrite(t->chunk, 1, CHUNK_HEAD + t->used, t->f) != CHUNK_HEAD + t->used)
		t->failed = true;
	t->used = 0;
}

/* Room for a record of up to n bytes in the chunk; advance t->used by the
 * bytes actually written. */
static uint8_t *room(emu_trace *t, size_t n)
{
	if (t->used + n > CHUNK_MAX)
		flush_chunk(t);
	return t->chunk + CHUNK_HEAD + t->used;
}

static void put(emu_trace *t, const void *p, size_t len)
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
static void put_name(emu_trace *t, const char *name)
{
	size_t len = strnlen(name, 255);
	uint8_t *p = room(t, 1 + len);
	p[0] = (uint8_t)len;
	memcpy(p + 1, name, len);
	t->used += 1 + len;
}

emu_trace *emu_trace_open(const char *path, const char *workload, const mmu_regime *reset,
			  const uint8_t *ram, uint32_t ram_base, uint32_t ram_size, char *err,
			  size_t errlen)
{
	emu_trace *t = calloc(1, sizeof *t);
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
	const uint32_t words[12] = { ram_base, ram_size, reset->sctlr, reset->ttbr0, reset->ttbr1,
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

bool emu_trace_close(emu_trace *t)
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

void emu_trace_tick(emu_trace *t, uint32_t insns)
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

void emu_trace_access(emu_trace *t, uint32_t va, mmu_kind kind, bool user, unsigned size,
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

void emu_trace_cp15(emu_trace *t, unsigned crn, unsigned opc1, unsigned crm, unsigned opc2,
		    uint32_t value)
{
	uint8_t ev[9] = { 'C', (uint8_t)crn, (uint8_t)opc1, (uint8_t)crm, (uint8_t)opc2 };
	put32(ev + 5, value);
	put(t, ev, sizeof ev);
}

void emu_trace_marker(emu_trace *t, const char *name)
{
	/* One record in one chunk: room for the tag and the name together. */
	room(t, 2 + strnlen(name, 255))[0] = 'M';
	t->used++;
	put_name(t, name);
}

void emu_trace_write(emu_trace *t, uint32_t pa, const void *data, size_t len)
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

/* ---- replay ---- */

/* Events are decoded in place from the chunk in buf: the writer never
 * splits a record, so an event needs no refill, only a check that it ended
 * inside the chunk.  The zero bytes after the payload let a varint run past
 * the end without reading outside buf before that check. */
#define PAD (2 * VARINT_MAX)
struct reader {
	FILE *f;
	uint64_t chunk_at;      /* file offset of the chunk in buf */
	const uint8_t *p, *end; /* the part of the payload not decoded yet */
	struct predictor guess;
	uint8_t buf[CHUNK_MAX + PAD];
};

static uint64_t file_offset(const struct reader *r, const uint8_t *at)
{
	return r->chunk_at + CHUNK_HEAD + (uint64_t)(at - r->buf);
}

/* Loads the next chunk.  1: a payload; 0: the chunk that ends the trace;
 * -1: *why says what is wrong at the file offset *at. */
static int next_chunk(struct reader *r, const char **why, uint64_t *at)
{
	uint8_t head[CHUNK_HEAD];
	r->chunk_at += CHUNK_HEAD + (uint64_t)(r->end - r->buf);
	r->p = r->end = r->buf;
	*at = r->chunk_at;
	size_t got = fread(head, 1, sizeof head, r->f);
	if (got < sizeof head) {
		*at += got;
		*why = ferror(r->f) ? strerror(errno) : "truncated (no end of trace)";
		return -1;
	}
	uint32_t len = get32(head);
	if (len > CHUNK_MAX) {
		*why = "bad chunk length";
		return -1;
	}
	got = fread(r->buf, 1, len, r->f);
	if (got < len) {
		*at += CHUNK_HEAD + got;
		*why = ferror(r->f) ? strerror(errno) : "truncated";
		return -1;
	}
	if (chunk_sum(r->buf, len) != get32(head + 4)) {
		*why = "chunk checksum mismatch";
		return -1;
	}
	memset(r->buf + len, 0, PAD);
	r->end = r->buf + len;
	if (len == 0 && fgetc(r->f) != EOF) {
		*at += CHUNK_HEAD;
		*why = "data after the end of the trace";
		return -1;
	}
	return len != 0;
}

/* An unsigned LEB128 of up to five bytes; a longer one is cut at five,
 * which the caller's bound check or the model catches as a bad trace. */
static inline uint32_t get_varint(const uint8_t **pp)
{
	const uint8_t *p = *pp;
	uint32_t v = p[0];
	if (__builtin_expect(v < 0x80, 1)) { /* most differences are small */
		*pp = p + 1;
		return v;
	}
	v &= 0x7F;
	unsigned n = 1;
	while (p[n - 1] & 0x80 && n < VARINT_MAX) {
		v |= (uint32_t)(p[n] & 0x7F) << (7 * n);
		n++;
	}
	*pp = p + n;
	return v;
}

static inline uint32_t unzigzag(uint32_t v)
{
	return v >> 1 ^ (uint32_t)-(int32_t)(v & 1);
}

/* Runs the events after the header; 0 at the trace's end, 2 with the error
 * set. */
static int replay_events(struct reader *r, emu_t *e, emu_model *m, const char *path,
			 uint64_t *accesses, char *err, size_t errlen)
{
	uint64_t count = 0, last_pa = NO_PA;
	unsigned last_size = 0;
	const uint32_t base = e->ram_view.pa, size = (uint32_t)e->ram_size;
	struct predictor *guess = &r->guess;
	const char *what;
	/* The cursor lives in locals: stores into RAM (uint8_t) could alias
	 * r->p and r->end and would make the compiler reload them. */
	const uint8_t *p = r->p, *end = r->end, *ev = p;
	uint64_t at;
	int more = 1;
	for (;;) {
		if (p == end) {
			r->p = p;
			if ((more = next_chunk(r, &what, &at)) <= 0)
				break;
			p = r->p, end = r->end;
		}
		ev = p;
		unsigned tag = *p++;
		what = "truncated event";
		if (tag & ACCESS_TAG) {
			mmu_kind kind = (mmu_kind)(tag & 3);
			if ((tag & 0x23) > MMU_FETCH) { /* kind 3 or the reserved bit */
				what = "bad access flags";
				break;
			}
			uint32_t *g = predict(guess, kind);
			uint32_t va = *g + unzigzag(get_varint(&p));
			uint32_t pc = tag & PC_IS_VA ? va : guess->fetch + unzigzag(get_varint(&p));
			if (p > end)
				break;
			predicted(guess, kind, g, va);
			last_size = 1u << (tag >> 3 & 3);
			mmu_fault f = emu_model_access(m, va, kind, tag >> 2 & 1, last_size, pc,
						       &last_pa);
			if (f.type != MMU_FAULT_NONE)
				last_pa = NO_PA;
			count++;
		} else if (tag >= 1 && tag <= TICK_SHORT_MAX) {
			emu_model_retire(m, tag);
		} else if (tag == 't') {
			uint32_t insns = get_varint(&p);
			if (p > end)
				break;
			emu_model_retire(m, insns);
		} else if (tag == 'w') {
			if (end - p < last_size)
				break;
			if (last_pa < base || last_pa - base > size - last_size) {
				what = "store outside RAM";
				break;
			}
			memcpy(e->ram + (last_pa - base), p, last_size);
			p += last_size;
			last_pa = NO_PA;
		} else if (tag == 'C') {
			if (end - p < 8)
				break;
			p += 8;
			emu_model_cp15(m, ev[1], ev[2], ev[3], ev[4], get32(ev + 5));
		} else if (tag == 'W') {
			if (end - p < 5 || end - p < 5 + p[4])
				break;
			uint32_t to = get32(p), len = p[4];
			if (to < base || to - base > size - len) {
				what = "RAM write outside RAM";
				break;
			}
			memcpy(e->ram + (to - base), p + 5, len);
			p += 5 + len;
		} else if (tag == 'M') {
			if (end - p < 1 || end - p < 1 + p[0])
				break;
			char name[256];
			memcpy(name, p + 1, p[0]);
			name[p[0]] = 0;
			p += 1 + p[0];
			emu_model_marker(m, name);
		} else if (tag == 'P') {
			if (end - p < 4 + PAGE)
				break;
			uint32_t page = get32(p);
			if (page % PAGE || page > size - PAGE) {
				what = "RAM page outside RAM";
				break;
			}
			memcpy(e->ram + page, p + 4, PAGE);
			p += 4 + PAGE;
		} else {
			what = "unknown event";
			break;
		}
	}
	*accesses = count;
	if (more == 0)
		return 0;
	if (more > 0) /* the loop stopped at a bad event */
		at = file_offset(r, ev);
	snprintf(err, errlen, "%s: bad trace at byte offset %llu: %s", path, (unsigned long long)at,
		 what);
	return 2;
}

/* The replay's --stats object: the whole run's counters as tlb_stats_json
 * writes them, and the region of interest. */
static void replay_json(const emu_model *m, FILE *out)
{
	const tlb_t *t = emu_model_tlb(m);
	tlb_stats all;
	tlb_stats_snapshot(t, &all);
	/* Preset names hold no quotes or control characters (tlb_preset_parse). */
	fprintf(out, "{\n    \"preset\": \"%s\",\n", tlb_get_config(t)->name);
	tlb_stats_json_members(t, &all, out);
	fprintf(out, ",\n    \"roi\": ");
	emu_roi_json(emu_model_roi(m), t, out);
	fprintf(out, "\n  }\n");
}

int emu_replay(const char *path, const char *preset, const char *roi, FILE *summary,
	       FILE *stats_json, uint64_t *accesses, char *err, size_t errlen)
{
	struct reader *r = calloc(1, sizeof *r);
	emu_t *e = calloc(1, sizeof *e);
	if (!r || !e || !(r->f = fopen(path, "rb"))) {
		snprintf(err, errlen, "cannot read trace %s: %s", path,
			 r && e ? strerror(errno) : "out of memory");
		free(r);
		free(e);
		return 2;
	}
	int status = 2;
	emu_model *m = NULL;
	uint8_t magic[MAGIC_SIZE];
	if (fread(magic, 1, sizeof magic, r->f) != sizeof magic || memcmp(magic, TRACE_MAGIC, 8) ||
	    get32(magic + 8) != TRACE_VERSION) {
		snprintf(err, errlen, "%s: bad trace at byte offset 0: not an mmuscope trace version %u",
			 path, TRACE_VERSION);
		goto out;
	}
	/* The header opens the first chunk. */
	r->chunk_at = MAGIC_SIZE - CHUNK_HEAD;
	r->p = r->end = r->buf;
	const char *why;
	uint64_t at;
	int more = next_chunk(r, &why, &at);
	if (more > 0 && (r->end - r->p < HEADER_SIZE + 1 ||
			 r->end - r->p < HEADER_SIZE + 1 + r->p[HEADER_SIZE])) {
		why = "truncated header";
		more = -1;
	}
	if (more <= 0) {
		snprintf(err, errlen, "%s: bad trace at byte offset %llu: %s", path,
			 (unsigned long long)at, more ? why : "no header");
		goto out;
	}
	const uint8_t *head = r->p;
	char workload[256];
	memcpy(workload, head + HEADER_SIZE + 1, head[HEADER_SIZE]);
	workload[head[HEADER_SIZE]] = 0;
	r->p += HEADER_SIZE + 1 + head[HEADER_SIZE];
	uint32_t base = get32(head), size = get32(head + 4);
	if (size == 0 || size > (1u << 30) || size & 0xFFF || base & 0xFFF || base > ~size + 1) {
		snprintf(err, errlen, "%s: bad trace at byte offset %llu: RAM 0x%x bytes at 0x%08x",
			 path, (unsigned long long)file_offset(r, head), size, base);
		goto out;
	}
	mmu_regime reset = {
		.sctlr = get32(head + 8), .ttbr0 = get32(head + 12), .ttbr1 = get32(head + 16),
		.ttbcr = get32(head + 20), .dacr = get32(head + 24), .prrr = get32(head + 28),
		.nmrr = get32(head + 32), .contextidr = get32(head + 36),
		.has_pxn = get32(head + 40), .non_secure = get32(head + 44),
	};
	e->ram = emu_ram_map(size);
	e->ram_size = size;
	if (!e->ram) {
		snprintf(err, errlen, "%s: cannot hold 0x%x bytes of RAM", path, size);
		goto out;
	}
	e->ram_view = (mmu_ram){ .host = e->ram, .pa = base, .size = size };
	e->mem = (mmu_mem){ .ram = &e->ram_view, .nram = 1 };
	if (!(m = emu_model_new(e, preset, &reset, err, errlen)))
		goto out;
	emu_roi *region;
	if (emu_roi_new(roi, workload, &region, err, errlen))
		goto out;
	emu_model_set_roi(m, region);
	uint64_t count = 0;
	status = replay_events(r, e, m, path, &count, err, errlen);
	if (status)
		goto out;
	if (accesses)
		*accesses = count;
	if (summary) {
		tlb_stats_print(emu_model_tlb(m), summary);
		emu_roi_print(region, emu_model_tlb(m), summary);
	}
	if (stats_json)
		replay_json(m, stats_json);
	status = emu_roi_verdict(region, err, errlen);
out:
	if (m)
		emu_model_free(m);
	if (e->ram)
		munmap(e->ram, e->ram_size);
	free(e);
	fclose(r->f);
	free(r);
	return status;
}
