/* What the model library's sources share and nothing else sees. */
#ifndef MMUSCOPE_MODEL_INTERNAL_H
#define MMUSCOPE_MODEL_INTERNAL_H

#include <string.h>

#include "model/model.h"

/* The trace format (written by trace.c, read by replay.c).  A trace
 * (version 4) is the magic "MMUSTRC\0" and a u32 version, then
 * chunks: u32 payload length (at most CHUNK_MAX), u32 checksum of the
 * payload (model_chunk_sum), the payload.  A chunk of length 0 ends the trace.
 * No record spans two chunks.  The payloads hold, all integers
 * little-endian, "varint" an unsigned LEB128 and "zvarint" a zigzag one:
 *   the header: u32 RAM base and size, the regime at the start (10 u32),
 *               u8 length and the workload's name (the default ROI's NAME);
 *   'P' u32 offset, 4096 bytes            a non-zero page of RAM at the start
 *   1..63 / 't' varint insns              instructions retired (model_retire)
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

static inline uint32_t *data_guess(struct predictor *g)
{
	return &g->data[((g->fetch >> 1) + g->ordinal * 0x9E37u) % GUESSES];
}

/* Where the access's VA was guessed; *guess is updated with the VA after. */
static inline uint32_t *predict(struct predictor *g, mmu_kind kind)
{
	return kind == MMU_FETCH ? &g->fetch : data_guess(g);
}

static inline void predicted(struct predictor *g, mmu_kind kind, uint32_t *guess, uint32_t va)
{
	*guess = va;
	if (kind == MMU_FETCH)
		g->ordinal = 0;
	else
		g->ordinal++;
}

static inline void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v, p[1] = (uint8_t)(v >> 8), p[2] = (uint8_t)(v >> 16), p[3] = (uint8_t)(v >> 24);
}

static inline uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* The payload's checksum (trace.c). */
uint32_t model_chunk_sum(const uint8_t *p, size_t n);

/* trace.c: the records model.c writes while a trace is attached. */
void model_trace_cp15(model_trace *t, unsigned crn, unsigned opc1, unsigned crm, unsigned opc2,
		      uint32_t value);
void model_trace_write(model_trace *t, uint32_t pa, const void *data, size_t len);
void model_trace_marker(model_trace *t, const char *name);

/* roi.c: a marker the guest reported, with the counters now. */
void model_roi_marker(model_roi *r, const tlb_t *t, const char *name);

#endif
