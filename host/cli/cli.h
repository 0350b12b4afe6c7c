#ifndef OCLAB_HOST_CLI_CLI_H
#define OCLAB_HOST_CLI_CLI_H
/* Command-line parsing shared by every command. Bad input prints one "oclab: error: ..." line and the
 * command returns OCLAB_EXIT_USAGE; device or driver failures return OCLAB_EXIT_FAIL. */
#include <stdint.h>

#include "host/cl/device.h"
#include "host/cl/opts.h"
#include "host/cl/status.h"
#include "host/decode/decode.h"

/* Matches argv[*i] against FLAG, as "FLAG VALUE" or "FLAG=VALUE".
 * Returns 1 and sets *value (advancing *i past a separate value), 0 when argv[*i] is another flag,
 * -1 (error printed) when the value is missing. */
int oclab_flag_value(int argc, char **argv, int *i, const char *flag, const char **value);

/* Numbers: the whole text must parse and lie in [min, max], else an error naming FLAG; 0 ok, -1 bad. */
int oclab_parse_u64(const char *flag, const char *text, uint64_t min, uint64_t max, uint64_t *out);
int oclab_parse_double(const char *flag, const char *text, double min, double max, double *out);

/* Comma-separated list "1,2,16" into out[0..cap); *count set. 0 ok, -1 bad (error printed). */
int oclab_parse_u64_list(const char *flag, const char *text, uint64_t min, uint64_t max,
                         uint64_t *out, int cap, int *count);

/* Comma-separated words into out[0..cap), pointing into a copy the caller frees with free(*storage). */
int oclab_parse_word_list(const char *flag, const char *text, const char **out, int cap, int *count,
                          char **storage);

/* Options every device command takes (host/cl/opts.h): defaults, then argv. */
void oclab_device_opts_init(oclab_device_opts *opts, const char *default_selector);

/* Consumes argv[*i] if it is one of the device options: 1 consumed, 0 not ours, -1 bad (error printed). */
int oclab_device_opt(oclab_device_opts *opts, int argc, char **argv, int *i);

/* Consumes argv[*i] if it is a decode option (decode/decode.h): 1 consumed, 0 not ours, -1 bad (error
 * printed). */
int oclab_decode_opt(oclab_decode_opts *opts, int argc, char **argv, int *i);

/* Loads every device and selects SEL (oclab_device_select), with the install hint when no platform
 * is found. Returns OCLAB_EXIT_OK with *count set, or the exit code of the failure (logged). */
int oclab_device_find(oclab_device_list *list, const char *selector, int *out, int cap, int *count);

/* One-line error for an unknown argument of COMMAND; returns OCLAB_EXIT_USAGE. */
int oclab_unknown_arg(const char *command, const char *arg);

#endif
