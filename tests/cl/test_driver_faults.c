/* Driver faults found on Mesa rusticl 22.3 (llvmpipe), each cut down to a minimal kernel, kept as tests
 * that document them and check what oclab does about them. Each test passes while the fault is present
 * and oclab handles it, fails when oclab would be fooled, and skips (with the reason) on a driver
 * without the fault, so a fixed driver turns it into a skip, not a failure:
 *  - loops stop early: llvmpipe ends every loop of a work-item after 65535 trips in all, silently (one
 *    counter per kernel, LP_MAX_TGSI_LOOP_ITERATIONS in Mesa's gallivm); oclab measures the limit when
 *    it opens the device and sizes every launch below it;
 *  - event timestamps are placeholders: every command gets START 2 and END 3 ns whatever it did; oclab
 *    stops believing events and times by the host clock less the launch overhead.
 * (NOTES.md once put rusticl's wrong `write` results down to flushed denormals: they were elements never
 * written, the loop limit again; a device may flush denormals all the same, so oclab writes none.) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>

#include "cl_fixture.h"
#include "host/cl/context.h"
#include "host/cl/timing.h"

static oclab_device_list devices;
static oclab_cl cl;

static const char *source = "kernel void count(global uint *out, uint n)\n"
                            "{\n"
                            "    uint c = 0;\n"
                            "    for (uint i = 0; i < n; i++)\n"
                            "        c += 1u + (i & out[1]);\n" /* out[1] is 0: the loop cannot be folded */
                            "    out[0] = c;\n"
                            "}\n"
                            "kernel void spin(global float *x, uint reps)\n"
                            "{\n"
                            "    float v = x[get_global_id(0)];\n"
                            "    for (uint r = 0; r < reps; r++)\n"
                            "        v = v * 0.999f + 0.001f;\n"
                            "    x[get_global_id(0)] = v;\n"
                            "}\n";

static cl_program program;
static int absent; /* faults this driver does not have: all of them makes the test a skip (77) */

static cl_kernel kernel(const char *name)
{
    cl_int err;
    cl_kernel k = clCreateKernel(program, name, &err);
    assert_int_equal(err, CL_SUCCESS);
    return k;
}

static void test_loops_stop_early(void **state)
{
    (void)state;
    cl_kernel k = kernel("count");
    cl_mem out = NULL;
    cl_uint init[2] = {0, 0}, n = 1u << 20;
    size_t one = 1;
    assert_int_equal(oclab_cl_buffer(&cl, CL_MEM_READ_WRITE, sizeof init, init, &out), CL_SUCCESS);
    assert_int_equal(clSetKernelArg(k, 0, sizeof out, &out), CL_SUCCESS);
    assert_int_equal(clSetKernelArg(k, 1, sizeof n, &n), CL_SUCCESS);
    assert_int_equal(clEnqueueNDRangeKernel(cl.queue, k, 1, NULL, &one, &one, 0, NULL, NULL), CL_SUCCESS);
    assert_int_equal(oclab_cl_read(&cl, out, sizeof init, init), CL_SUCCESS);
    oclab_cl_release_mem(&out);
    clReleaseKernel(k);
    if (init[0] == n) {
        assert_int_equal(cl.clock.loop_limit, 0); /* oclab saw no limit either */
        fprintf(stderr, "no loop limit on this driver\n");
        absent++;
        skip();
    }
    fprintf(stderr, "driver fault present: a loop of %u trips stopped after %u\n", n, init[0]);
    assert_true(init[0] < n);
    assert_int_equal(cl.clock.loop_limit, init[0]); /* oclab measured it */
    assert_true(oclab_cl_loop_budget(&cl) < init[0]);
}

static void test_event_timestamps(void **state)
{
    (void)state;
    cl_kernel k = kernel("spin");
    size_t items = 1u << 16, local = 64;
    cl_uint reps = 64;
    cl_mem x = NULL;
    cl_event ev = NULL;
    float zero = 0.0f;
    double host = 0.0, event = 0.0;
    assert_int_equal(oclab_cl_buffer(&cl, CL_MEM_READ_WRITE, items * sizeof(float), NULL, &x), CL_SUCCESS);
    assert_int_equal(clEnqueueFillBuffer(cl.queue, x, &zero, sizeof zero, 0, items * sizeof(float), 0, NULL, NULL),
                     CL_SUCCESS);
    assert_int_equal(clSetKernelArg(k, 0, sizeof x, &x), CL_SUCCESS);
    for (int round = 0; round < 12 && host < 5e-3; round++, reps *= 2) { /* a launch of a few ms */
        cl_ulong start = 0, end = 0;
        assert_int_equal(clSetKernelArg(k, 1, sizeof reps, &reps), CL_SUCCESS);
        for (int warm = 1; warm >= 0; warm--) { /* the first launch may build the work-group function */
            double t0 = oclab_now();
            assert_int_equal(clEnqueueNDRangeKernel(cl.queue, k, 1, NULL, &items, &local, 0, NULL, &ev), CL_SUCCESS);
            assert_int_equal(clFinish(cl.queue), CL_SUCCESS);
            host = oclab_now() - t0;
            assert_int_equal(clGetEventProfilingInfo(ev, CL_PROFILING_COMMAND_START, sizeof start, &start, NULL),
                             CL_SUCCESS);
            assert_int_equal(clGetEventProfilingInfo(ev, CL_PROFILING_COMMAND_END, sizeof end, &end, NULL), CL_SUCCESS);
            event = 1e-9 * (double)(end - start);
            clReleaseEvent(ev);
        }
    }
    oclab_cl_release_mem(&x);
    clReleaseKernel(k);
    if (event > 0.1 * (host - cl.clock.launch_host_s)) {
        assert_true(cl.clock.event_trusted); /* oclab believes them, and rightly */
        fprintf(stderr, "event timestamps agree with the host clock on this driver\n");
        absent++;
        skip();
    }
    fprintf(stderr, "driver fault present: a launch of %.3f ms by the host clock took %.6f ms by its events\n",
            1e3 * host, 1e3 * event);
    assert_false(cl.clock.event_trusted); /* oclab times by the host clock instead */
}

int main(void)
{
    cl_int err;
    int opened = cl_fixture_open(&devices, &cl);
    if (opened != 0)
        return opened;
    program = clCreateProgramWithSource(cl.context, 1, &source, NULL, &err);
    if (err != CL_SUCCESS || clBuildProgram(program, 1, &cl.info->device, "", NULL, NULL) != CL_SUCCESS) {
        fprintf(stderr, "failed: the minimal kernels do not build\n");
        return 1;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_loops_stop_early),
        cmocka_unit_test(test_event_timestamps),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    if (rc == 0 && absent == (int)(sizeof tests / sizeof tests[0])) {
        fprintf(stderr, "skipped: this driver has none of the faults documented here\n");
        rc = 77;
    }
    clReleaseProgram(program);
    oclab_cl_close(&cl);
    oclab_device_list_free(&devices);
    return rc;
}
