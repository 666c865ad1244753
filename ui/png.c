/* A minimal PNG writer: 8-bit RGB, filter 0, one zlib stream in one IDAT. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "ui/ui.h"

static void put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

static bool write_chunk(FILE *f, const char type[4], const unsigned char *data, uint32_t len)
{
	unsigned char head[8];
	put32(head, len);
	memcpy(head + 4, type, 4);
	uLong crc = crc32(0, head + 4, 4);
	if (len) /* crc32 with a NULL buffer would restart the CRC */
		crc = crc32(crc, data, (uInt)len);
	unsigned char tail[4];
	put32(tail, (uint32_t)crc);
	/* IEND has no data: fwrite must not see a NULL buffer. */
	return fwrite(head, 1, 8, f) == 8 && (!len || fwrite(data, 1, len, f) == len) &&
	       fwrite(tail, 1, 4, f) == 4;
}

int ui_png_write(const char *path, const unsigned char *rgb, unsigned width, unsigned height,
		 char *err, size_t errlen)
{
	size_t row = (size_t)width * 3 + 1, raw_len = row * height;
	unsigned char *raw = malloc(raw_len);
	uLongf packed_len = compressBound(raw_len);
	unsigned char *packed = malloc(packed_len);
	int rc = -1;
	if (!raw || !packed) {
		snprintf(err, errlen, "%s: out of memory", path);
		goto out;
	}
	for (unsigned y = 0; y < height; y++) {
		raw[y * row] = 0; /* filter: none */
		memcpy(raw + y * row + 1, rgb + (size_t)y * width * 3, (size_t)width * 3);
	}
	if (compress2(packed, &packed_len, raw, raw_len, 6) != Z_OK) {
		snprintf(err, errlen, "%s: compression failed", path);
		goto out;
	}
	FILE *f = fopen(path, "wb");
	if (!f) {
		snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
		goto out;
	}
	static const unsigned char signature[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n' };
	unsigned char ihdr[13] = { 0 };
	put32(ihdr, width);
	put32(ihdr + 4, height);
	ihdr[8] = 8; /* bit depth */
	ihdr[9] = 2; /* colour type: RGB */
	bool ok = fwrite(signature, 1, 8, f) == 8 && write_chunk(f, "IHDR", ihdr, 13) &&
		  write_chunk(f, "IDAT", packed, (uint32_t)packed_len) &&
		  write_chunk(f, "IEND", NULL, 0);
	if (fclose(f) != 0)
		ok = false;
	if (!ok)
		snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
	else
		rc = 0;
out:
	free(raw);
	free(packed);
	return rc;
}
