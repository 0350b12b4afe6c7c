#include "host/cli/isolate.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "host/cl/log.h"
#include "host/cl/profile.h"
#include "host/cl/timing.h"
#include "host/cli/cli.h"
#include "host/tune/tune.h"
#include "roofline/profile.h"

/* One child: fork, a process group of its own (so a timeout kills its threads and children too), exec.
 * Returns its pid, or -1. */
static pid_t spawn(char *const *argv)
{
    char self[4096];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0)
        return -1;
    self[n] = '\0';
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        setpgid(0, 0);
        execv(self, argv);
        _exit(127);
    }
    return pid;
}

/* Waits for PID until DEADLINE (monotonic seconds): 0 with *STATUS, 1 when the deadline passed. */
static int wait_until(pid_t pid, double deadline, int *status)
{
    for (;;) {
        pid_t got = waitpid(pid, status, WNOHANG);
        if (got == pid || (got < 0 && errno != EINTR))
            return 0;
        if (oclab_now() > deadline)
            return 1;
        struct timespec ts = {0, 50 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
}

int oclab_isolate_run(char *const *argv, double timeout_s, oclab_isolate_result *out)
{
    char journal[] = "/tmp/oclab-journal-XXXXXX";
    int fd = mkstemp(journal);
    memset(out, 0, sizeof *out);
    if (fd < 0) {
        oclab_error("cannot create the tuning journal of a child: %s", strerror(errno));
        return -1;
    }
    close(fd);
    setenv(OCLAB_JOURNAL_ENV, journal, 1);
    double t0 = oclab_now();
    int rc = 0;
    for (int attempt = 0; attempt < OCLAB_ISOLATE_ATTEMPTS; attempt++) {
        int status = 0;
        pid_t pid = spawn(argv);
        out->attempts = attempt + 1;
        if (pid < 0) {
            oclab_error("cannot start a child process: %s", strerror(errno));
            rc = -1;
            break;
        }
        out->signal = out->timed_out = out->exit_code = 0;
        if (wait_until(pid, oclab_now() + timeout_s, &status)) {
            kill(-pid, SIGKILL);
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            out->timed_out = 1;
            break;
        }
        if (WIFEXITED(status)) {
            out->exit_code = WEXITSTATUS(status);
            break;
        }
        out->signal = WIFSIGNALED(status) ? WTERMSIG(status) : SIGABRT;
        kill(-pid, SIGKILL); /* anything the child left behind */
        char key[512];
        if (oclab_tune_journal_crashed(journal, key, sizeof key) != 0)
            break; /* not inside a tuning candidate: the phase itself crashes */
        snprintf(out->crashed[out->crashed_candidates], sizeof out->crashed[0], "%s", key);
        out->crashed_signal[out->crashed_candidates] = out->signal;
        out->crashed_candidates++;
        oclab_warn("a child crashed (signal %d) preparing the tuning candidate %s: running the phase again "
                   "without it", out->signal, key);
    }
    unsetenv(OCLAB_JOURNAL_ENV);
    unlink(journal);
    out->elapsed_s = oclab_now() - t0;
    return rc;
}

void oclab_isolate_text(const oclab_isolate_result *r, char *buf, size_t len)
{
    if (r->timed_out)
        snprintf(buf, len, "timed out after %.0f s (--timeout) and was killed", r->elapsed_s);
    else if (r->signal)
        snprintf(buf, len, "was killed by signal %d (%s)%s", r->signal, strsignal(r->signal),
                 r->attempts > 1 ? ", after reruns past crashed tuning candidates" : "");
    else
        snprintf(buf, len, "exited with %d", r->exit_code);
}

int oclab_isolate_eventful(const oclab_isolate_result *r)
{
    return r->signal || r->timed_out || r->crashed_candidates;
}

int oclab_isolate_record(const char *path, const oclab_device_info *info, const char *what,
                         const oclab_isolate_result *r)
{
    char reason[256], why[512], text[800];
    if (!oclab_isolate_eventful(r))
        return 0;
    cJSON *profile = access(path, F_OK) == 0 ? rl_json_load(path, why, sizeof why) : NULL;
    if (!profile || !cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(profile, "skipped"))) {
        cJSON_Delete(profile);
        profile = oclab_profile_new(info);
    }
    for (int i = 0; i < r->crashed_candidates; i++) {
        snprintf(text, sizeof text, "the driver crashed (signal %d, %s) preparing this candidate; the phase ran "
                 "again without it", r->crashed_signal[i], strsignal(r->crashed_signal[i]));
        oclab_profile_warn(profile, r->crashed[i], text);
    }
    if (r->signal || r->timed_out) {
        oclab_isolate_text(r, reason, sizeof reason);
        snprintf(text, sizeof text, "the child process measuring it %s", reason);
        oclab_profile_skip(profile, what, text);
    }
    int rc = oclab_json_write_atomic(path, profile);
    cJSON_Delete(profile);
    return rc;
}

int oclab_isolate_command(const char *command, int argc, char **argv, double timeout_s, const char *output,
                          const oclab_device_info *info, const char *what)
{
    oclab_isolate_result r;
    char **child = calloc((size_t)argc + 4, sizeof *child);
    if (!child) {
        oclab_error("out of host memory");
        return OCLAB_EXIT_FAIL;
    }
    child[0] = "oclab";
    child[1] = (char *)command;
    for (int i = 0; i < argc; i++)
        child[i + 2] = argv[i];
    child[argc + 2] = "--no-isolate";
    int rc = oclab_isolate_run(child, timeout_s, &r);
    free(child);
    if (rc != 0)
        return OCLAB_EXIT_FAIL;
    if (!oclab_isolate_eventful(&r))
        return r.exit_code;
    if (r.signal || r.timed_out) {
        char text[256];
        oclab_isolate_text(&r, text, sizeof text);
        oclab_error("%s: the child process measuring %s %s", command, info ? info->name : "the devices", text);
    }
    if (output && info)
        oclab_isolate_record(output, info, what, &r);
    return OCLAB_EXIT_FAIL; /* the driver crashed or hung, whatever could be measured around it */
}

int oclab_isolate_opt(int argc, char **argv, int *i, int *isolate, double *timeout_s)
{
    const char *v = NULL;
    int r = oclab_flag_value(argc, argv, i, "--timeout", &v);
    if (r != 0)
        return r < 0 || oclab_parse_double("--timeout", v, 1.0, 86400.0, timeout_s) != 0 ? -1 : 1;
    if (!strcmp(argv[*i], "--isolate") || !strcmp(argv[*i], "--no-isolate")) {
        *isolate = !strcmp(argv[*i], "--isolate");
        return 1;
    }
    return 0;
}
