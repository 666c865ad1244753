/* The run's report: the machine's own lines, then every model counter
 * through tlb/'s printers (which iterate the one counter list). */
#include "emu/internal.h"
#include "model/model.h"

void emu_print_summary(const emu_t *e, FILE *out)
{
	fprintf(out, "\n== mmuscope: board %s, %s ==\n", e->board->name, e->cmdline);
	fprintf(out, "instructions  %llu\n", (unsigned long long)e->insns);
	if (e->exited)
		fprintf(out, "exit code     %d\n", e->exit_code);
	fprintf(out, "markers:");
	for (size_t i = 0; i < e->nmarkers; i++)
		fprintf(out, " %s", e->markers[i]);
	fprintf(out, "\n");
	if (!e->model) {
		fprintf(out, e->model_waiting ? "model         never attached: the kernel never ran\n"
					      : "model         off\n");
		return;
	}
	if (e->model_from)
		fprintf(out, "model from    instruction %llu (the kernel's first at PAGE_OFFSET)\n",
			(unsigned long long)e->model_from);
	fprintf(out, "disagreements %llu\n", (unsigned long long)e->disagreements);
	tlb_stats_print(model_tlb(e->model), out);
	model_roi_print(model_get_roi(e->model), model_tlb(e->model), out);
}

void emu_write_json(const emu_t *e, FILE *out)
{
	fprintf(out, "{\n  \"board\": ");
	model_json_string(out, e->board->name);
	fprintf(out, ",\n  \"cmdline\": ");
	model_json_string(out, e->cmdline);
	fprintf(out, ",\n  \"instructions\": %llu,\n  \"exit_code\": %d,\n  \"markers\": [",
		(unsigned long long)e->insns, e->exited ? e->exit_code : -1);
	for (size_t i = 0; i < e->nmarkers; i++) {
		fprintf(out, i ? ", " : "");
		model_json_string(out, e->markers[i]);
	}
	fprintf(out, "],\n  \"disagreements\": %llu", (unsigned long long)e->disagreements);
	if (e->model_from) /* a kernel's run: where the model attached */
		fprintf(out, ",\n  \"model_from_instruction\": %llu", (unsigned long long)e->model_from);
	if (e->model) {
		fprintf(out, ",\n  \"tlb\": ");
		tlb_stats_json(model_tlb(e->model), out);
		fprintf(out, ",\n  \"roi\": ");
		model_roi_json(model_get_roi(e->model), model_tlb(e->model), out);
		/* The heatmap's counters for every MB that has any: key "0xNNN" is
		 * the L1 index (VA >> 20). */
		static const struct { const char *name; size_t offset; } metrics[] = {
			{ "walks", offsetof(model_heat, walks) }, { "misses", offsetof(model_heat, misses) },
			{ "faults", offsetof(model_heat, faults) }, { "hazards", offsetof(model_heat, hazards) },
		};
		fprintf(out, ",\n  \"per_mb\": {");
		for (size_t m = 0; m < sizeof metrics / sizeof metrics[0]; m++) {
			const uint32_t *count = (const uint32_t *)((const char *)model_heatmap(e->model) + metrics[m].offset);
			fprintf(out, "%s\n    \"%s\": {", m ? "," : "", metrics[m].name);
			const char *sep = "";
			for (unsigned mb = 0; mb < 4096; mb++) {
				if (!count[mb])
					continue;
				fprintf(out, "%s\"0x%03x\": %u", sep, mb, count[mb]);
				sep = ", ";
			}
			fprintf(out, "}");
		}
		fprintf(out, "\n  }");
	}
	fprintf(out, "\n}\n");
}
