/* Progress of a long run (host/cl/progress.h): plain lines in a pipe, paced, with the estimate of what
 * remains; one line redrawn in place on a terminal, cleared around log lines. A fake clock makes the
 * times exact. Needs no OpenCL device. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/cl/log.h"
#include "host/cl/progress.h"

static double fake_now;

static double fake_clock(void)
{
    return fake_now;
}

/* Progress into a memory stream; TTY says whether it is taken for a terminal. */
typedef struct {
    char *text;
    size_t len;
    FILE *f;
} capture;

static void capture_open(capture *c, int tty)
{
    c->text = NULL;
    c->f = open_memstream(&c->text, &c->len);
    assert_non_null(c->f);
    oclab_progress_output(c->f, tty, fake_clock);
}

static const char *capture_text(capture *c)
{
    fflush(c->f);
    return c->text;
}

static void capture_close(capture *c)
{
    oclab_progress_stop();
    fclose(c->f);
    free(c->text);
    oclab_progress_output(NULL, -1, NULL);
}

static void test_silent_until_started(void **state)
{
    (void)state;
    capture c;
    capture_open(&c, 0);
    oclab_progress_phase("peak", 0);
    oclab_progress_step("x");
    assert_string_equal(capture_text(&c), "");
    capture_close(&c);
}

static void test_pipe_lines_and_estimate(void **state)
{
    (void)state;
    capture c;
    capture_open(&c, 0);
    fake_now = 0.0;
    oclab_progress_start(2);
    oclab_progress_device(0, "cpu");
    oclab_progress_phase("peak", 0);
    fake_now = 10.0;
    oclab_progress_phase("decode gemv", 4);
    oclab_progress_step("gemv q4_0 4096x4096"); /* too soon after the phase line: no line */
    fake_now = 20.0;
    oclab_progress_step("gemv q8_0 4096x4096"); /* 10 s on: a line; 10 s per step, 3 to go with this one */
    fake_now = 25.0;
    oclab_progress_step("gemv f16 4096x4096");
    fake_now = 30.0;
    oclab_progress_step("gemv f32 4096x4096"); /* the last step: always a line */
    const char *want = "oclab: progress: device 1/2 cpu, peak, 0:00 elapsed\n"
                       "oclab: progress: device 1/2 cpu, decode gemv, 0:10 elapsed\n"
                       "oclab: progress: device 1/2 cpu, decode gemv 2/4 (gemv q8_0 4096x4096), 0:20 elapsed, "
                       "~0:30 left in decode gemv\n"
                       "oclab: progress: device 1/2 cpu, decode gemv 4/4 (gemv f32 4096x4096), 0:30 elapsed, "
                       "~0:07 left in decode gemv\n";
    assert_string_equal(capture_text(&c), want);
    /* The second device: the first took 100 s, so about that much is left once it starts. */
    fake_now = 100.0;
    oclab_progress_device(1, "gpu");
    fake_now = 130.0;
    oclab_progress_phase("peak", 0);
    assert_non_null(strstr(capture_text(&c), "oclab: progress: device 2/2 gpu, peak, 2:10 elapsed, ~1:10 left\n"));
    capture_close(&c);
}

static void test_terminal_line(void **state)
{
    (void)state;
    capture c;
    capture_open(&c, 1);
    fake_now = 0.0;
    oclab_progress_start(1);
    oclab_progress_device(0, "cpu");
    oclab_progress_phase("decode attention", 2);
    fake_now = 3.0;
    oclab_progress_step(NULL);
    /* One line redrawn in place: no newline of its own. */
    const char *text = capture_text(&c);
    assert_null(strchr(text, '\n'));
    assert_non_null(strstr(text, "\r\033[Kdevice 1/1 cpu, decode attention 1/2, 0:03 elapsed"));
    /* A log line clears it first and draws it again after itself (the log goes to stderr, the line
     * to the capture: the capture shows a clear, then a redraw). */
    size_t before = strlen(text);
    oclab_warn("a log line");
    text = capture_text(&c);
    assert_string_equal(text + before, "\r\033[K\r\033[Kdevice 1/1 cpu, decode attention 1/2, 0:03 elapsed");
    before = strlen(text);
    oclab_progress_stop();
    assert_string_equal(capture_text(&c) + before, "\r\033[K");
    capture_close(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_silent_until_started),
        cmocka_unit_test(test_pipe_lines_and_estimate),
        cmocka_unit_test(test_terminal_line),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
