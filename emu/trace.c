/* Traces: everything the model is told during a run, in order, so that the
 * MMU/TLB model alone can run it again under another TLB preset.
 *
 * A trace is a raw deflate stream (zlib without the gzip wrapper: libunicorn
 * exports a slow crc32 that would take zlib's place): a header (magic, version, RAM base and size,
 * the regime at the start), the whole RAM as it was then, and events:
 *   'T' u32 insns                     instructions retired (emu_model_retire)
 *   'A' u8 kind|user<<2|log2(size)<<3, u32 va, u32 pc      one access
 *   'C' u8 crn, opc1, crm, opc2, u32 value                 one CP15 write
 *   'W' u32 pa, u8 len, len bytes      RAM written (after the access that did it)
 * All integers little-endian.  Descriptors are read from the replayed RAM,
 * so walks and stale-TLB checks see what the live run saw. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "emu/internal.h"
#include "emu/model.h"

#define TRACE_MAGIC "MMUSTRC"
#define TRACE_VERSION 1u

struct emu_trace {
	FILE *f;
	z_stream z;
	bool failed;
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

static void regime_words(const mmu_regime *r, uint32_t w[10])
{
	uint32_t v[10] = { r->sctlr, r->ttbr0, r->ttbr1, r->ttbcr, r->dacr, r->prrr, r->nmrr,
			   r->contextidr, r->has_pxn, r->non_secure };
	memcpy(w, v, sizeof v);
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
	uint8_t head[8 + 4 * 13];
	memcpy(head, TRACE_MAGIC, 8);
	uint32_t w[10];
	regime_words(reset, w);
	put32(head + 8, TRACE_VERSION);
	put32(head + 12, ram_base);
	put32(head + 16, ram_size);
	for (int i = 0; i < 10; i++)
		put32(head + 20 + 4 * i, w[i]);
	put(t, head, sizeof head);
	put(t, ram, ram_size);
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
	uint8_t ev[5] = { 'T' };
	put32(ev + 1, insns);
	put(t, ev, sizeof ev);
}

void emu_trace_access(emu_trace *t, uint32_t va, mmu_kind kind, bool user, unsigned size,
		      uint32_t pc)
{
	unsigned log2 = size >= 8 ? 3 : size >= 4 ? 2 : size >= 2 ? 1 : 0;
	uint8_t ev[10] = { 'A', (uint8_t)(kind | (unsigned)user << 2 | log2 << 3) };
	put32(ev + 2, va);
	put32(ev + 6, pc);
	put(t, ev, sizeof ev);
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

/* Buffered, because events are a few bytes each and an inflate per event
 * would cost more than the model. */
struct reader {
	FILE *f;
	z_stream z;
	bool ended;             /* the deflate stream's end was seen */
	const char *path;
	char *err;
	size_t errlen;
	uint8_t in[1 << 16], buf[1 << 16];
	unsigned pos, len;
	uint64_t offset;        /* uncompressed offset of buf[0] */
};

/* Inflates the next part of the file into buf; returns the byte count,
 * 0 at the stream's end, -1 (with why) for a corrupt or truncated file. */
static int refill(struct reader *r, const char **why)
{
	r->z.next_out = r->buf;
	r->z.avail_out = sizeof r->buf;
	while (r->z.avail_out == sizeof r->buf && !r->ended) {
		if (r->z.avail_in == 0) {
			r->z.next_in = r->in;
			r->z.avail_in = (uInt)fread(r->in, 1, sizeof r->in, r->f);
			if (r->z.avail_in == 0) {
				*why = "truncated";
				return -1;
			}
		}
		int rc = inflate(&r->z, Z_NO_FLUSH);
		if (rc == Z_STREAM_END)
			r->ended = true;
		else if (rc != Z_OK) {
			*why = r->z.msg ? r->z.msg : "corrupt";
			return -1;
		}
	}
	return (int)(sizeof r->buf - r->z.avail_out);
}

/* Reads exactly len bytes; a short read is a truncated or corrupt file
 * (at the start of an event, with eof_ok, a clean end sets *eof). */
static bool take(struct reader *r, void *p, unsigned len, bool eof_ok, bool *eof)
{
	uint8_t *out = p;
	uint64_t at = r->offset + r->pos;
	while (len) {
		if (r->pos == r->len) {
			r->offset += r->len;
			r->pos = 0;
			const char *why = "truncated";
			int n = refill(r, &why);
			r->len = n > 0 ? (unsigned)n : 0;
			if (n <= 0) {
				if (n == 0 && eof_ok && out == p) {
					*eof = true;
					return false;
				}
				snprintf(r->err, r->errlen, "%s: bad trace at byte offset %llu: %s", r->path,
					 (unsigned long long)at, why);
				return false;
			}
		}
		unsigned n = r->len - r->pos < len ? r->len - r->pos : len;
		memcpy(out, r->buf + r->pos, n);
		r->pos += n, out += n, len -= n;
	}
	return true;
}

int emu_replay(const char *path, const char *preset, FILE *summary, FILE *stats_json,
	       uint64_t *accesses, char *err, size_t errlen)
{
	struct reader *rd = calloc(1, sizeof *rd);
	if (!rd || !(rd->f = fopen(path, "rb"))) {
		snprintf(err, errlen, "cannot read trace %s: %s", path, rd ? strerror(errno) : "out of memory");
		free(rd);
		return 2;
	}
	if (inflateInit2(&rd->z, -15) != Z_OK) {
		snprintf(err, errlen, "cannot read trace %s: zlib", path);
		fclose(rd->f);
		free(rd);
		return 2;
	}
	rd->path = path, rd->err = err, rd->errlen = errlen;
	struct reader *r = rd;
	int status = 2;
	emu_t *e = calloc(1, sizeof *e);
	emu_model *m = NULL;
	uint8_t head[8 + 4 * 13];
	bool eof = false;
	if (!e || !take(r, head, sizeof head, false, &eof))
		goto out;
	if (memcmp(head, TRACE_MAGIC, 8) || get32(head + 8) != TRACE_VERSION) {
		snprintf(err, errlen, "%s: not an mmuscope trace (version %u)", path, TRACE_VERSION);
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
	e->ram = malloc(size);
	e->ram_size = size;
	if (!e->ram || !take(r, e->ram, size, false, &eof))
		goto out;
	e->ram_view = (mmu_ram){ .host = e->ram, .pa = base, .size = size };
	e->mem = (mmu_mem){ .ram = &e->ram_view, .nram = 1 };
	if (!(m = emu_model_new(e, preset, &reset, err, errlen)))
		goto out;
	uint64_t count = 0;
	for (;;) {
		uint8_t tag, ev[9], data[255];
		uint64_t at = r->offset + r->pos;
		if (!take(r, &tag, 1, true, &eof)) {
			status = eof ? 0 : 2;
			break;
		}
		uint64_t pa;
		switch (tag) {
		case 'T':
			if (!take(r, ev, 4, false, &eof))
				goto out;
			emu_model_retire(m, get32(ev));
			break;
		case 'A':
			if (!take(r, ev, 9, false, &eof))
				goto out;
			if ((ev[0] & 3) > MMU_FETCH || ev[0] >> 5) {
				snprintf(err, errlen, "%s: bad trace at byte offset %lld: access kind 0x%x",
					 path, (long long)at, ev[0]);
				goto out;
			}
			emu_model_access(m, get32(ev + 1), (mmu_kind)(ev[0] & 3), ev[0] >> 2 & 1,
					 1u << (ev[0] >> 3 & 3), get32(ev + 5), &pa);
			count++;
			break;
		case 'C':
			if (!take(r, ev, 8, false, &eof))
				goto out;
			emu_model_cp15(m, ev[0], ev[1], ev[2], ev[3], get32(ev + 4));
			break;
		case 'W': {
			if (!take(r, ev, 5, false, &eof) || !take(r, data, ev[4], false, &eof))
				goto out;
			uint32_t to = get32(ev);
			if (to < base || to - base > size - ev[4]) {
				snprintf(err, errlen, "%s: bad trace at byte offset %lld: write outside RAM",
					 path, (long long)at);
				goto out;
			}
			memcpy(e->ram + (to - base), data, ev[4]);
			break;
		}
		default:
			snprintf(err, errlen, "%s: bad trace at byte offset %lld: unknown event 0x%02x",
				 path, (long long)at, tag);
			goto out;
		}
	}
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
	if (e)
		free(e->ram);
	free(e);
	inflateEnd(&r->z);
	fclose(r->f);
	free(r);
	return status;
}
