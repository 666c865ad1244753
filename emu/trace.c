/* Traces: everything the model is told during a run, in order, so that the
 * MMU/TLB model alone can run it again under another TLB preset.
 *
 * A trace is a raw deflate stream (zlib without the gzip wrapper: libunicorn
 * exports a slow crc32 that would take zlib's place) of
 *   a header: magic, version, RAM base and size, the regime at the start;
 *   the RAM then, as its non-zero pages: u32 offset, 4096 bytes; u32 ~0 ends;
 *   events, all integers little-endian:
 *   't' u8 insns / 'T' u32 insns       instructions retired (emu_model_retire)
 *   'C' u8 crn, opc1, crm, opc2, u32 value                 one CP15 write
 *   0x80|kind|user<<2|log2(size)<<3 [|0x40], u32 va [, u32 pc]     one access;
 *       0x40 means pc == va (every fetch), which saves four of nine bytes
 *   'w' size bytes                     the last access, a store, wrote these at its PA
 *   'W' u32 pa, u8 len, len bytes      any other RAM write (the host's)
 * Descriptors are read from the replayed RAM, so walks and stale-TLB checks
 * see what the live run saw. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "emu/internal.h"
#include "emu/model.h"

#define TRACE_MAGIC "MMUSTRC"
#define TRACE_VERSION 2u
#define HEADER_SIZE (8 + 4 * 13)
#define PAGE 4096u
#define RAM_END 0xFFFFFFFFu
#define ACCESS_TAG 0x80u
#define PC_IS_VA 0x40u
#define NO_PA (~0ull)

struct emu_trace {
	FILE *f;
	z_stream z;
	bool failed;
	uint64_t last_pa;       /* of the last access; NO_PA when it faulted */
	unsigned last_size;
	uint8_t out[1 << 16];
};

/* Deflates p into the file; flush finishes the stream. */
static void deflate_to_file(emu_trace *t, const void *p, unsigned len, int flush)
{
	t->z.next_in = (Bytef *)p;
	t->z.avail_in = len;
	do {
		t->z.next_out = t->out;
		t->z.avail_out = sizeof t->out;
		if (deflate(&t->z, flush) == Z_STREAM_ERROR)
			t->failed = true;
		size_t n = sizeof t->out - t->z.avail_out;
		if (n && fwrite(t->out, 1, n, t->f) != n)
			t->failed = true;
	} while (!t->failed && (t->z.avail_in || t->z.avail_out == 0));
}

static void put(emu_trace *t, const void *p, unsigned len)
{
	if (!t->failed)
		deflate_to_file(t, p, len, Z_NO_FLUSH);
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v, p[1] = (uint8_t)(v >> 8), p[2] = (uint8_t)(v >> 16), p[3] = (uint8_t)(v >> 24);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static bool page_is_zero(const uint8_t *p)
{
	static const uint8_t zero[PAGE];
	return !memcmp(p, zero, PAGE);
}

emu_trace *emu_trace_open(const char *path, const mmu_regime *reset, const uint8_t *ram,
			  uint32_t ram_base, uint32_t ram_size, char *err, size_t errlen)
{
	emu_trace *t = calloc(1, sizeof *t);
	if (!t || !(t->f = fopen(path, "wb"))) {
		snprintf(err, errlen, "cannot write trace %s: %s", path, strerror(errno));
		free(t);
		return NULL;
	}
	if (deflateInit2(&t->z, 1, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
		snprintf(err, errlen, "cannot write trace %s: zlib", path);
		fclose(t->f);
		free(t);
		return NULL;
	}
	t->last_pa = NO_PA;
	uint8_t head[HEADER_SIZE];
	const uint32_t words[13] = { TRACE_VERSION, ram_base, ram_size, reset->sctlr, reset->ttbr0,
				     reset->ttbr1, reset->ttbcr, reset->dacr, reset->prrr, reset->nmrr,
				     reset->contextidr, reset->has_pxn, reset->non_secure };
	memcpy(head, TRACE_MAGIC, 8);
	for (int i = 0; i < 13; i++)
		put32(head + 8 + 4 * i, words[i]);
	put(t, head, sizeof head);
	uint8_t offset[4];
	for (uint32_t at = 0; at + PAGE <= ram_size; at += PAGE)
		if (!page_is_zero(ram + at)) {
			put32(offset, at);
			put(t, offset, 4);
			put(t, ram + at, PAGE);
		}
	put32(offset, RAM_END);
	put(t, offset, 4);
	return t;
}

bool emu_trace_close(emu_trace *t)
{
	if (!t)
		return true;
	if (!t->failed)
		deflate_to_file(t, NULL, 0, Z_FINISH);
	deflateEnd(&t->z);
	bool ok = fclose(t->f) == 0 && !t->failed;
	free(t);
	return ok;
}

void emu_trace_tick(emu_trace *t, uint32_t insns)
{
	uint8_t ev[5] = { insns < 256 ? 't' : 'T' };
	put32(ev + 1, insns);
	put(t, ev, insns < 256 ? 2 : 5);
}

void emu_trace_access(emu_trace *t, uint32_t va, mmu_kind kind, bool user, unsigned size,
		      uint32_t pc, uint64_t pa)
{
	unsigned log2 = size >= 8 ? 3 : size >= 4 ? 2 : size >= 2 ? 1 : 0;
	uint8_t ev[9] = { (uint8_t)(ACCESS_TAG | kind | (unsigned)user << 2 | log2 << 3 |
				    (pc == va ? PC_IS_VA : 0)) };
	put32(ev + 1, va);
	put32(ev + 5, pc);
	put(t, ev, pc == va ? 5 : 9);
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

void emu_trace_write(emu_trace *t, uint32_t pa, const void *data, size_t len)
{
	const uint8_t *p = data;
	if (pa == t->last_pa && len == t->last_size) {
		put(t, "w", 1);
		put(t, p, (unsigned)len);
		t->last_pa = NO_PA; /* one store, one write */
		return;
	}
	while (len) {
		uint8_t n = len > 255 ? 255 : (uint8_t)len, ev[6] = { 'W' };
		put32(ev + 1, pa);
		ev[5] = n;
		put(t, ev, sizeof ev);
		put(t, p, n);
		p += n, pa += n, len -= n;
	}
}

/* ---- replay ---- */

/* Events are decoded in place from a window of the inflated stream: they
 * are a few bytes each, and copying them out field by field cost more than
 * the model itself (docs/benchmarks.md). */
struct reader {
	FILE *f;
	z_stream z;
	bool ended;             /* the deflate stream's end was seen */
	const char *why;        /* why the stream gave no more: NULL at its end */
	const uint8_t *p, *end; /* the part of buf not decoded yet */
	uint64_t base;          /* stream offset of buf[0] */
	uint8_t in[1 << 16], buf[1 << 20];
};

/* Makes at least n bytes available at r->p; false at the stream's end or
 * on an error (r->why). */
static bool fill(struct reader *r, size_t n)
{
	size_t have = (size_t)(r->end - r->p);
	memmove(r->buf, r->p, have);
	r->base += (uint64_t)(r->p - r->buf);
	r->p = r->buf;
	while (have < n) {
		if (r->ended) {
			r->why = have ? "truncated event" : NULL;
			return false;
		}
		if (!r->z.avail_in) {
			r->z.next_in = r->in;
			r->z.avail_in = (uInt)fread(r->in, 1, sizeof r->in, r->f);
			if (!r->z.avail_in) {
				r->why = ferror(r->f) ? strerror(errno) : "truncated";
				return false;
			}
		}
		r->z.next_out = r->buf + have;
		r->z.avail_out = (uInt)(sizeof r->buf - have);
		int rc = inflate(&r->z, Z_NO_FLUSH);
		if (rc == Z_STREAM_END)
			r->ended = true;
		else if (rc != Z_OK && rc != Z_BUF_ERROR) {
			r->why = r->z.msg ? r->z.msg : "corrupt";
			return false;
		}
		have = sizeof r->buf - r->z.avail_out;
		r->end = r->buf + have;
	}
	return true;
}

static inline bool need(struct reader *r, size_t n)
{
	return (size_t)(r->end - r->p) >= n || fill(r, n);
}

static bool read_bytes(struct reader *r, uint8_t *out, size_t len)
{
	while (len) {
		if (!need(r, 1))
			return false;
		size_t n = (size_t)(r->end - r->p) < len ? (size_t)(r->end - r->p) : len;
		memcpy(out, r->p, n);
		r->p += n, out += n, len -= n;
	}
	return true;
}

/* The one-line error: a stream the file cannot give is placed by file
 * offset, a bad event by its offset in the inflated stream. */
static void bad_trace(const struct reader *r, const char *path, uint64_t event_at,
		      const char *what, char *err, size_t errlen)
{
	if (r->why)
		snprintf(err, errlen, "%s: bad trace at byte offset %llu of the file: %s", path,
			 (unsigned long long)r->z.total_in, r->why);
	else
		snprintf(err, errlen, "%s: bad trace at byte offset %llu of the inflated stream: %s",
			 path, (unsigned long long)event_at, what);
}

/* Runs the events after the header and RAM; 0 at the stream's clean end,
 * 2 with the error set. */
static int replay_events(struct reader *r, emu_t *e, emu_model *m, const char *path,
			 uint64_t *accesses, char *err, size_t errlen)
{
	uint64_t count = 0, last_pa = NO_PA;
	unsigned last_size = 0;
	const uint32_t base = e->ram_view.pa, size = (uint32_t)e->ram_size;
	const char *what;
	for (;;) {
		if (r->p == r->end && !fill(r, 1)) {
			*accesses = count;
			if (!r->why)
				return 0;
			bad_trace(r, path, 0, NULL, err, errlen);
			return 2;
		}
		unsigned tag = r->p[0];
		what = "truncated event";
		if (tag & ACCESS_TAG) {
			size_t len = tag & PC_IS_VA ? 5 : 9;
			if ((tag & 3) > MMU_FETCH || tag & 0x20) {
				what = "bad access flags";
				break;
			}
			if (!need(r, len))
				break;
			uint32_t va = get32(r->p + 1), pc = tag & PC_IS_VA ? va : get32(r->p + 5);
			r->p += len;
			last_size = 1u << (tag >> 3 & 3);
			mmu_fault f = emu_model_access(m, va, (mmu_kind)(tag & 3), tag >> 2 & 1, last_size,
						       pc, &last_pa);
			if (f.type != MMU_FAULT_NONE)
				last_pa = NO_PA;
			count++;
		} else if (tag == 't') {
			if (!need(r, 2))
				break;
			uint32_t insns = r->p[1];
			r->p += 2;
			emu_model_retire(m, insns);
		} else if (tag == 'T') {
			if (!need(r, 5))
				break;
			uint32_t insns = get32(r->p + 1);
			r->p += 5;
			emu_model_retire(m, insns);
		} else if (tag == 'w') {
			if (!need(r, 1 + last_size))
				break;
			if (last_pa < base || last_pa - base > size - last_size) {
				what = "store outside RAM";
				break;
			}
			memcpy(e->ram + (last_pa - base), r->p + 1, last_size);
			r->p += 1 + last_size;
			last_pa = NO_PA;
		} else if (tag == 'C') {
			if (!need(r, 9))
				break;
			const uint8_t *ev = r->p;
			r->p += 9;
			emu_model_cp15(m, ev[1], ev[2], ev[3], ev[4], get32(ev + 5));
		} else if (tag == 'W') {
			if (!need(r, 6) || !need(r, 6u + r->p[5]))
				break;
			uint32_t to = get32(r->p + 1), len = r->p[5];
			if (to < base || to - base > size - len) {
				what = "RAM write outside RAM";
				break;
			}
			memcpy(e->ram + (to - base), r->p + 6, len);
			r->p += 6 + len;
		} else {
			what = "unknown event";
			break;
		}
	}
	bad_trace(r, path, r->why ? 0 : r->base + (uint64_t)(r->p - r->buf), what, err, errlen);
	return 2;
}

int emu_replay(const char *path, const char *preset, FILE *summary, FILE *stats_json,
	       uint64_t *accesses, char *err, size_t errlen)
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
	r->p = r->end = r->buf;
	if (inflateInit2(&r->z, -15) != Z_OK) {
		snprintf(err, errlen, "cannot read trace %s: zlib", path);
		goto out;
	}
	uint8_t head[HEADER_SIZE];
	if (!read_bytes(r, head, sizeof head)) {
		bad_trace(r, path, 0, "truncated header", err, errlen);
		goto out;
	}
	if (memcmp(head, TRACE_MAGIC, 8) || get32(head + 8) != TRACE_VERSION) {
		snprintf(err, errlen, "%s: bad trace at byte offset 0: not an mmuscope trace version %u",
			 path, TRACE_VERSION);
		goto out;
	}
	uint32_t base = get32(head + 12), size = get32(head + 16);
	if (size == 0 || size > (1u << 30) || size & 0xFFF || base & 0xFFF || base > ~size + 1) {
		snprintf(err, errlen, "%s: bad trace at byte offset 12: RAM 0x%x bytes at 0x%08x", path,
			 size, base);
		goto out;
	}
	mmu_regime reset = {
		.sctlr = get32(head + 20), .ttbr0 = get32(head + 24), .ttbr1 = get32(head + 28),
		.ttbcr = get32(head + 32), .dacr = get32(head + 36), .prrr = get32(head + 40),
		.nmrr = get32(head + 44), .contextidr = get32(head + 48),
		.has_pxn = get32(head + 52), .non_secure = get32(head + 56),
	};
	e->ram = calloc(1, size); /* the zero pages stay untouched */
	e->ram_size = size;
	if (!e->ram) {
		snprintf(err, errlen, "%s: cannot hold 0x%x bytes of RAM", path, size);
		goto out;
	}
	for (;;) {
		uint64_t at = r->base + (uint64_t)(r->p - r->buf);
		uint8_t offset[4];
		if (!read_bytes(r, offset, 4)) {
			bad_trace(r, path, at, "truncated RAM image", err, errlen);
			goto out;
		}
		uint32_t page = get32(offset);
		if (page == RAM_END)
			break;
		if (page % PAGE || page > size - PAGE) {
			snprintf(err, errlen, "%s: bad trace at byte offset %llu of the inflated stream: "
				 "RAM page 0x%x outside RAM", path, (unsigned long long)at, page);
			goto out;
		}
		if (!read_bytes(r, e->ram + page, PAGE)) {
			bad_trace(r, path, at, "truncated RAM image", err, errlen);
			goto out;
		}
	}
	e->ram_view = (mmu_ram){ .host = e->ram, .pa = base, .size = size };
	e->mem = (mmu_mem){ .ram = &e->ram_view, .nram = 1 };
	if (!(m = emu_model_new(e, preset, &reset, err, errlen)))
		goto out;
	uint64_t count = 0;
	status = replay_events(r, e, m, path, &count, err, errlen);
	if (status)
		goto out;
	if (accesses)
		*accesses = count;
	if (summary)
		tlb_stats_print(emu_model_tlb(m), summary);
	if (stats_json) {
		tlb_stats_json(emu_model_tlb(m), stats_json);
		fputc('\n', stats_json);
	}
out:
	if (m)
		emu_model_free(m);
	free(e->ram);
	free(e);
	inflateEnd(&r->z);
	fclose(r->f);
	free(r);
	return status;
}
