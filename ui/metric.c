/* Metric names, shared by the PNG writer's users and the UI. */
#include <string.h>

#include "ui/ui.h"

static const char *const names[UI_METRIC_COUNT] = {
	[UI_METRIC_WALKS] = "walks", [UI_METRIC_MISSES] = "misses", [UI_METRIC_FAULTS] = "faults",
	[UI_METRIC_HAZARDS] = "hazards", [UI_METRIC_KIND] = "kind",
};

bool ui_metric_parse(const char *name, ui_metric *out)
{
	for (int m = 0; m < UI_METRIC_COUNT; m++)
		if (!strcmp(name, names[m])) {
			*out = (ui_metric)m;
			return true;
		}
	return false;
}

const char *ui_metric_name(ui_metric m)
{
	return m < UI_METRIC_COUNT ? names[m] : "?";
}
