#ifndef OCLAB_HOST_CL_OPTS_H
#define OCLAB_HOST_CL_OPTS_H
/* What every measurement on a device is given, whichever command asked for it (cli/ fills it from
 * -d, --kernels, --max-time and --quick). */

typedef struct {
    const char *selector;   /* -d / --device, else $OCLAB_DEVICE, else the command's default */
    const char *kernel_dir; /* --kernels DIR: load the .cl files from DIR instead of the embedded copies */
    double max_time_ms;     /* --max-time MS: time budget per measurement */
    int quick;              /* --quick: small sweeps for CI */
} oclab_device_opts;

#endif
