/* Exit codes, markers and the command line through ARM semihosting. */
#include "fw.h"
#include "semihost.h"

void fw_exit(int code)
{
	uint32_t block[2] = { ADP_STOPPED_APPLICATION_EXIT, (uint32_t)code };
	semihost_call(SYS_EXIT_EXTENDED, block);
	/* A host without SYS_EXIT_EXTENDED: plain exit reports success/failure. */
	semihost_call(SYS_EXIT, (const void *)(code ? ADP_STOPPED_RUNTIME_ERROR_UNKNOWN
						  : ADP_STOPPED_APPLICATION_EXIT));
	for (;;)
		;
}

void fw_exit_failure(void)
{
	fw_exit(1);
}

/* A marker (abi.h): mmuscope records it, other hosts simply print it. */
void fw_marker(const char *name)
{
	char line[MARKER_LINE_SIZE] = MARKER_PREFIX;
	size_t n = strlen(line);
	while (*name && n < sizeof line - 2)
		line[n++] = *name++;
	line[n++] = '\n';
	line[n] = 0;
	semihost_call(SYS_WRITE0, line);
}

int fw_get_cmdline(char *buf, size_t len)
{
	struct { char *buf; uint32_t len; } block = { buf, (uint32_t)len };
	if (semihost_call(SYS_GET_CMDLINE, &block) != 0)
		return -1;
	buf[len - 1] = 0;
	return (int)block.len;
}
