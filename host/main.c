/* oclab: characterize OpenCL devices for LLM decode. Dispatches to one command per file in host/. */
#include <stdio.h>
#include <string.h>

#include "host/cli.h"
#include "host/commands.h"
#include "host/log.h"

static const struct {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *usage;
} commands[] = {
    {"devices", oclab_cmd_devices, "devices [-d SEL] [--json]          every platform and device, key facts"},
    {"peak", oclab_cmd_peak, "peak [-d SEL] [-o FILE] [--json] [--quick] [--max-time MS]\n"
                             "                                          bandwidth sweep + compute peaks -> roofline"},
    {"decode", oclab_cmd_decode, "decode [-d SEL] [-o FILE] [--json] [--profile FILE] [--family gemv|attention] ...\n"
                                 "                                          GEMV + attention kernels, verified, placed"},
    {"run", oclab_cmd_run, "run [-d SEL] [--out DIR] [--quick]       devices + peak + decode + report per device"},
    {"report", oclab_cmd_report, "report PROFILE.json... [--out DIR]   HTML + SVG + Markdown (+ comparison)"},
    {"model", oclab_cmd_model, "model (--model NAME | --config FILE) --weights FMT ... DEVICE\n"
                               "                                          decode speed-of-light for a model"},
    {"cost", oclab_cmd_cost, "cost gemv|attention ... DEVICE         FLOPs, bytes, intensity, bound of a shape"},
};
#define N_COMMANDS (sizeof commands / sizeof commands[0])

static void usage(FILE *out)
{
    fprintf(out, "usage: oclab COMMAND [options]\n\ncommands:\n");
    for (size_t i = 0; i < N_COMMANDS; i++)
        fprintf(out, "  oclab %s\n", commands[i].usage);
    fprintf(out, "\ndevice selection (-d SEL or $OCLAB_DEVICE): P:D, a name substring, cpu|gpu|accelerator, all\n"
                 "common options: --kernels DIR (load kernels from disk), -v (verbose), -q (quiet)\n"
                 "see README.md and DESIGN.md for the full contract\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return OCLAB_EXIT_USAGE;
    }
    if (!strcmp(argv[1], "help") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        usage(stdout);
        return OCLAB_EXIT_OK;
    }
    if (!strcmp(argv[1], "--version")) {
        printf("oclab %s (%s)\n", OCLAB_VERSION, OCLAB_GIT);
        return OCLAB_EXIT_OK;
    }
    for (size_t i = 0; i < N_COMMANDS; i++)
        if (!strcmp(argv[1], commands[i].name))
            return commands[i].run(argc - 2, argv + 2);
    oclab_error("unknown command '%s' (try oclab help)", argv[1]);
    return OCLAB_EXIT_USAGE;
}
