/* What oclab asks of every device before it trusts a figure (host/cl/calibrate.c):
 *   loop_count  one work-item counts N loop trips: a driver that stops loops early (Mesa llvmpipe ends
 *               every loop of a work-item after 65535 trips in all, silently) returns fewer;
 *   busy        a fixed amount of arithmetic per work-item, for launches long enough to compare the
 *               event timestamps with the host clock;
 *   empty       nothing, for the launch overhead. */

kernel void loop_count(global uint *out, uint n)
{
    uint c = 0;
    /* out[1] is 0, but the compiler cannot know: the loop cannot be folded into c = n */
    for (uint i = 0; i < n; i++)
        c += 1u + (i & out[1]);
    out[0] = c;
}

kernel void busy(global float *buf, uint reps)
{
    const size_t i = get_global_id(0);
    float v = buf[i];
    for (uint r = 0; r < reps; r++)
        v = v * 0.999f + 0.001f;
    buf[i] = v;
}

kernel void empty(global float *out)
{
    (void)out;
}
