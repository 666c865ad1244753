/* Replay: a trace (trace.c, the format in internal.h) run through a fresh
 * model, with no machine: the trace's RAM pages and writes go to RAM of
 * the replay's own, which the model's walks read. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "model/internal.h"

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
	if (model_chunk_sum(r->buf, len) != get32(head + 4)) {
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
static int replay_events(struct reader *r, uint8_t *ram, uint32_t base, uint32_t size,
			 model_t *m, const char *path,
			 uint64_t *accesses, char *err, size_t errlen)
{
	uint64_t count = 0, last_pa = NO_PA;
	unsigned last_size = 0;
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
			mmu_fault f = model_access(m, va, kind, tag >> 2 & 1, last_size, pc,
						   &last_pa);
			if (f.type != MMU_FAULT_NONE)
				last_pa = NO_PA;
			count++;
		} else if (tag >= 1 && tag <= TICK_SHORT_MAX) {
			model_retire(m, tag);
		} else if (tag == 't') {
			uint32_t insns = get_varint(&p);
			if (p > end)
				break;
			model_retire(m, insns);
		} else if (tag == 'w') {
			if (end - p < last_size)
				break;
			if (last_pa < base || last_pa - base > size - last_size) {
				what = "store outside RAM";
				break;
			}
			memcpy(ram + (last_pa - base), p, last_size);
			p += last_size;
			last_pa = NO_PA;
		} else if (tag == 'C') {
			if (end - p < 8)
				break;
			p += 8;
			model_cp15(m, ev[1], ev[2], ev[3], ev[4], get32(ev + 5));
		} else if (tag == 'W') {
			if (end - p < 5 || end - p < 5 + p[4])
				break;
			uint32_t to = get32(p), len = p[4];
			if (to < base || to - base > size - len) {
				what = "RAM write outside RAM";
				break;
			}
			memcpy(ram + (to - base), p + 5, len);
			p += 5 + len;
		} else if (tag == 'M') {
			if (end - p < 1 || end - p < 1 + p[0])
				break;
			char name[256];
			memcpy(name, p + 1, p[0]);
			name[p[0]] = 0;
			p += 1 + p[0];
			model_marker(m, name);
		} else if (tag == 'P') {
			if (end - p < 4 + PAGE)
				break;
			uint32_t page = get32(p);
			if (page % PAGE || page > size - PAGE) {
				what = "RAM page outside RAM";
				break;
			}
			memcpy(ram + page, p + 4, PAGE);
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
static void replay_json(const model_t *m, FILE *out)
{
	const tlb_t *t = model_tlb(m);
	tlb_stats all;
	tlb_stats_snapshot(t, &all);
	/* Preset names hold no quotes or control characters (tlb_preset_parse). */
	fprintf(out, "{\n    \"preset\": \"%s\",\n", tlb_get_config(t)->name);
	tlb_stats_json_members(t, &all, out);
	fprintf(out, ",\n    \"roi\": ");
	model_roi_json(model_get_roi(m), t, out);
	fprintf(out, "\n  }\n");
}

int model_replay(const char *path, const char *preset, const char *roi, FILE *summary,
		 FILE *stats_json, uint64_t *accesses, char *err, size_t errlen)
{
	struct reader *r = calloc(1, sizeof *r);
	if (!r || !(r->f = fopen(path, "rb"))) {
		snprintf(err, errlen, "cannot read trace %s: %s", path,
			 r ? strerror(errno) : "out of memory");
		free(r);
		return 2;
	}
	int status = 2;
	model_t *m = NULL;
	uint8_t *ram = NULL;
	uint32_t size = 0;
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
	uint32_t base = get32(head);
	size = get32(head + 4);
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
	if (!(ram = model_ram_map(size))) {
		snprintf(err, errlen, "%s: cannot hold 0x%x bytes of RAM", path, size);
		goto out;
	}
	const mmu_ram view = { .host = ram, .pa = base, .size = size };
	if (!(m = model_new(preset, &reset, &view, err, errlen)))
		goto out;
	model_roi *region;
	if (model_roi_new(roi, workload[0] ? workload : NULL, &region, err, errlen))
		goto out;
	model_set_roi(m, region);
	uint64_t count = 0;
	status = replay_events(r, ram, base, size, m, path, &count, err, errlen);
	if (status)
		goto out;
	if (accesses)
		*accesses = count;
	if (summary) {
		tlb_stats_print(model_tlb(m), summary);
		model_roi_print(region, model_tlb(m), summary);
	}
	if (stats_json)
		replay_json(m, stats_json);
	status = model_roi_verdict(region, err, errlen);
out:
	model_free(m);
	model_ram_unmap(ram, size);
	fclose(r->f);
	free(r);
	return status;
}
