/* Progress of a long run (progress.h). */
#include "host/cl/progress.h"

#include <stdarg.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define LINE_MAX_CHARS 160

static struct {
    int on;
    FILE *out;  /* NULL: stderr */
    int tty;    /* -1: ask isatty */
    double (*now)(void);
    int n_devices, device;
    char name[64], phase[48], what[64];
    int n_steps, step;
    double t_run, t_device, t_phase, t_step, t_printed;
    double device_time; /* sum over the devices done */
    int devices_done;
    int drawn; /* a terminal line is on screen */
} p = {.tty = -1};

static double monotonic(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static double now(void)
{
    return p.now ? p.now() : monotonic();
}

static FILE *out(void)
{
    return p.out ? p.out : stderr;
}

static int tty(void)
{
    if (p.tty < 0)
        p.tty = isatty(fileno(out()));
    return p.tty;
}

void oclab_progress_output(FILE *stream, int is_tty, double (*clock)(void))
{
    p.out = stream;
    p.tty = is_tty;
    p.now = clock;
}

/* "1:23", "12:05", "1:02:03". */
static void clock_text(double s, char *buf, size_t len)
{
    long t = s > 0 ? (long)(s + 0.5) : 0;
    if (t >= 3600)
        snprintf(buf, len, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
    else
        snprintf(buf, len, "%ld:%02ld", t / 60, t % 60);
}

/* Appends to LINE (at *used, LINE_MAX_CHARS + 1 long). */
static void put(char *line, size_t *used, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void put(char *line, size_t *used, const char *fmt, ...)
{
    if (*used >= LINE_MAX_CHARS)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line + *used, LINE_MAX_CHARS + 1 - *used, fmt, ap);
    va_end(ap);
    *used += n > 0 ? (size_t)n : 0;
    if (*used > LINE_MAX_CHARS)
        *used = LINE_MAX_CHARS;
}

static void compose(char *line, double t)
{
    char a[48], b[48];
    size_t used = 0;
    line[0] = '\0';
    if (p.n_devices > 1 || p.name[0])
        put(line, &used, "device %d/%d %s, ", p.device + 1, p.n_devices, p.name);
    put(line, &used, "%s", p.phase[0] ? p.phase : "starting");
    if (p.n_steps > 0 && p.step > 0)
        put(line, &used, " %d/%d", p.step, p.n_steps);
    if (p.what[0])
        put(line, &used, " (%s)", p.what);
    clock_text(t - p.t_run, a, sizeof a);
    put(line, &used, ", %s elapsed", a);
    /* The phase's rest at its pace so far: the steps done took (start of this step - start of phase). */
    double phase_left = -1.0;
    if (p.n_steps > 0 && p.step > 1)
        phase_left = (p.t_step - p.t_phase) / (p.step - 1) * (p.n_steps - p.step + 1) - (t - p.t_step);
    if (phase_left < 0.0 && p.n_steps > 0 && p.step > 1)
        phase_left = 0.0;
    int devices_left = p.n_devices - p.device - 1;
    if (p.devices_done > 0) {
        double per_device = p.device_time / p.devices_done;
        double this_device = per_device - (t - p.t_device);
        clock_text((this_device > 0 ? this_device : phase_left > 0 ? phase_left : 0) + per_device * devices_left, b,
                   sizeof b);
        put(line, &used, ", ~%s left", b);
    } else if (phase_left >= 0.0) {
        clock_text(phase_left, b, sizeof b);
        put(line, &used, ", ~%s left in %s", b, p.phase);
    }
}

/* Draws the terminal line, or prints a plain line when FORCE or when one is due. */
static void draw(int force)
{
    if (!p.on)
        return;
    double t = now();
    char line[LINE_MAX_CHARS + 1];
    if (tty()) {
        compose(line, t);
        fprintf(out(), "\r\033[K%s", line);
        fflush(out());
        p.drawn = 1;
    } else if (force || t - p.t_printed >= OCLAB_PROGRESS_EVERY_S || (p.n_steps > 0 && p.step == p.n_steps)) {
        compose(line, t);
        fprintf(out(), "oclab: progress: %s\n", line);
        p.t_printed = t;
    }
}

void oclab_progress_hide(void)
{
    if (p.on && p.drawn) {
        fputs("\r\033[K", out());
        p.drawn = 0;
    }
}

void oclab_progress_show(void)
{
    if (p.on && tty())
        draw(0);
}

void oclab_progress_start(int n_devices)
{
    p.on = 1;
    p.n_devices = n_devices > 0 ? n_devices : 1;
    p.device = 0;
    p.devices_done = 0;
    p.device_time = 0.0;
    p.name[0] = p.phase[0] = p.what[0] = '\0';
    p.n_steps = p.step = 0;
    p.t_run = p.t_device = p.t_phase = p.t_step = now();
    p.t_printed = -1e30;
}

void oclab_progress_device(int index, const char *name)
{
    if (!p.on)
        return;
    double t = now();
    if (index > p.device) {
        p.device_time += t - p.t_device;
        p.devices_done = index;
    }
    p.device = index;
    p.t_device = p.t_phase = p.t_step = t;
    snprintf(p.name, sizeof p.name, "%s", name ? name : "");
    p.phase[0] = p.what[0] = '\0';
    p.n_steps = p.step = 0;
}

void oclab_progress_phase(const char *phase, int n_steps)
{
    if (!p.on)
        return;
    snprintf(p.phase, sizeof p.phase, "%s", phase);
    p.what[0] = '\0';
    p.n_steps = n_steps > 0 ? n_steps : 0;
    p.step = 0;
    p.t_phase = p.t_step = now();
    draw(1);
}

void oclab_progress_step(const char *what)
{
    if (!p.on)
        return;
    if (p.n_steps > 0 && p.step < p.n_steps)
        p.step++;
    snprintf(p.what, sizeof p.what, "%s", what ? what : "");
    p.t_step = now();
    draw(0);
}

void oclab_progress_stop(void)
{
    oclab_progress_hide();
    p.on = 0;
}
