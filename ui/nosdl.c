/* The UI of a build without SDL2: the command says so. */
#include <stdio.h>

#include "ui/ui.h"

bool ui_available(void)
{
	return false;
}

int ui_run(emu_t **e, const ui_options *opt, char *err, size_t errlen)
{
	(void)e; (void)opt;
	snprintf(err, errlen, "this mmuscope was built without SDL2 (meson option ui)");
	return -1;
}
