/* oclab: characterize OpenCL devices for LLM decode. Dispatches to one command per file in host/cli/. */
#include <stdio.h>
#include <string.h>

#include "host/cl/fault.h"
#include "host/cl/log.h"
#include "host/cl/version.h"
#include "host/cli/cli.h"
#include "host/cli/commands.h"

static const struct {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *usage;
} commands[] = {
    {"devices", oclab_cmd_devices, "devices [-d SEL] [--json]\n"
                                   "      every platform and device, clinfo-style key facts"},
    {"peak", oclab_cmd_peak, "peak [-d SEL] [-o FILE] [--json] [--quick] [--max-time MS] [--isolate [--timeout S]]\n"
                             "       [tuning options]\n"
                             "      bandwidth sweep + compute peaks -> roofline ceilings"},
    {"decode", oclab_cmd_decode,
     "decode [-d SEL] [-o FILE] [--json] [--profile PEAK.json] [--family gemv|attention]\n"
     "       [--formats f32,f16,q8_0,q4_0,i8_pc] [--batch 1,16] [--shape N,K]... [--no-baseline]\n"
     "       [--heads HQ --kv-heads HKV --head-dim D --context S,... --kv f16,q8_0,f32]\n"
     "       [--isolate [--timeout S]] [tuning options]\n"
     "      GEMV + attention decode kernels, verified, placed on the roofline"},
    {"run", oclab_cmd_run, "run [-d SEL] [--out DIR] [--quick] [--timeout S] [--no-isolate] [decode options]\n"
                           "      devices + peak + decode + report for each selected device (the main job); each\n"
                           "      phase in a child process, so a driver crash or hang (--timeout, per phase) costs\n"
                           "      that phase only"},
    {"report", oclab_cmd_report, "report PROFILE.json... [--out DIR]\n"
                                 "      HTML + SVG + Markdown; several profiles -> comparison"},
    {"model", oclab_cmd_model, "model (--model NAME | --config FILE) --weights FMT [--kv f32|f16|bf16|q8_0]\n"
                               "      [--batch B] [--context S] [--sweep-context] [--json] DEVICE\n"
                               "      decode speed of light of a whole model, and with --profile the tokens/s its\n"
                               "      measured kernels would deliver (expected)"},
    {"cost", oclab_cmd_cost, "cost gemv --m M --n N --k K --weights FMT [--act F] [--out F] [--tile-m T] [--json] DEVICE\n"
                             "  oclab cost attention --batch B --heads HQ --kv-heads HKV --head-dim D --context S\n"
                             "       --kv f32|f16|bf16|q8_0 [--q F] [--out F] [--json] DEVICE\n"
                             "      FLOPs, bytes, intensity and bound of one kernel shape (F: f32, f16, bf16)"},
    {"tune", oclab_cmd_tune, "tune [-d SEL] [--quick] [decode options]\n"
                             "      fill the tuning cache ahead of time: every search oclab run would make, anew"},
    {"compare", oclab_cmd_compare, "compare BASE.json CURRENT.json [--tolerance PCT] [--markdown]\n"
                                   "      what moved between two profiles of one device; exit 1 when a ceiling, a\n"
                                   "      kernel's efficiency or a predicted tokens/s fell by more than PCT (5)"},
};
#define N_COMMANDS (sizeof commands / sizeof commands[0])

static void usage(void)
{
    printf("usage: oclab COMMAND [options]\n\n");
    for (size_t i = 0; i < N_COMMANDS; i++)
        printf("  oclab %s\n", commands[i].usage);
    printf("\nDEVICE (cost, model): --peak-gflops G --bandwidth-gbs W [--memory-gb M] | --spec NAME | "
           "--profile FILE\n"
           "device selection (-d SEL or $OCLAB_DEVICE): P:D, a name substring, cpu|gpu|accelerator, all\n"
           "common options: --kernels DIR (load kernels from disk), --max-time MS, --max-launch MS, -v (verbose),\n"
           "  -q (quiet); tuning: --tune-time S (per search), --no-tune (start points only), --retune,\n"
           "  --tuning-cache FILE (default $XDG_CACHE_HOME/oclab/tuning.json), --no-tuning-cache\n"
           "exit codes: 0 ok, 1 device/driver/verification failure (compare: a regression), 2 bad input\n");
}

/* "oclab COMMAND --help" (or -h, anywhere after the command word), "oclab help COMMAND": that
 * command's usage on stdout. */
static int wants_help(int argc, char **argv)
{
    for (int i = 2; i < argc; i++)
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
            return 1;
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        oclab_error("no command given (try oclab help)");
        return OCLAB_EXIT_USAGE;
    }
    if (oclab_fault_init() != 0)
        return OCLAB_EXIT_USAGE;
    int help = !strcmp(argv[1], "help") && argc > 2;
    const char *word = help ? argv[2] : argv[1];
    if (!help && (!strcmp(word, "help") || !strcmp(word, "--help") || !strcmp(word, "-h"))) {
        usage();
        return OCLAB_EXIT_OK;
    }
    if (!strcmp(argv[1], "--version")) {
        printf("oclab %s (%s)\n", OCLAB_VERSION, oclab_git_revision);
        return OCLAB_EXIT_OK;
    }
    for (size_t i = 0; i < N_COMMANDS; i++) {
        if (strcmp(word, commands[i].name) != 0)
            continue;
        if (help || wants_help(argc, argv)) {
            printf("usage: oclab %s\n", commands[i].usage);
            return OCLAB_EXIT_OK;
        }
        return commands[i].run(argc - 2, argv + 2);
    }
    oclab_error("unknown command '%s' (try oclab help)", word);
    return OCLAB_EXIT_USAGE;
}
