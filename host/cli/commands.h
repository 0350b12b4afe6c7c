#ifndef OCLAB_HOST_CLI_COMMANDS_H
#define OCLAB_HOST_CLI_COMMANDS_H
/* The oclab commands (DESIGN.md "Commands"). Each takes the arguments after the command word and
 * returns an exit code: OCLAB_EXIT_OK, OCLAB_EXIT_FAIL (device, driver or verification failure) or
 * OCLAB_EXIT_USAGE (bad input). */

int oclab_cmd_devices(int argc, char **argv);
int oclab_cmd_peak(int argc, char **argv);
int oclab_cmd_decode(int argc, char **argv);
int oclab_cmd_run(int argc, char **argv);
int oclab_cmd_report(int argc, char **argv);
int oclab_cmd_model(int argc, char **argv);
int oclab_cmd_cost(int argc, char **argv);
int oclab_cmd_tune(int argc, char **argv);
/* Exit 1 here means a regression beyond the tolerance, not a device failure. */
int oclab_cmd_compare(int argc, char **argv);

#endif
