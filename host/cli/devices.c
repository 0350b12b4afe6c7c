/* oclab devices: every platform and device with the facts that matter for measuring it. */
#include <stdio.h>
#include <string.h>

#include "host/cl/device.h"
#include "host/cl/log.h"
#include "host/cl/profile.h"
#include "host/cli/cli.h"
#include "host/cli/commands.h"

#define MAX_SELECTED 256

static void print_human(const oclab_device_info *d)
{
    static const char *widths[6] = {"char", "short", "int", "long", "float", "double"};
    printf("[%d:%d] %s\n", d->platform_index, d->device_index, d->name);
    printf("  platform            %s (%s), %s\n", d->platform_name, d->platform_vendor, d->platform_version);
    printf("  vendor / type       %s / %s\n", d->vendor, oclab_device_type_name(d->type));
    printf("  driver / version    %s / %s, %s\n", d->driver, d->version, d->opencl_c_version);
    printf("  compute units       %u at max %u MHz\n", d->compute_units, d->max_clock_mhz);
    printf("  global memory       %.3f GB (max allocation %.3f GB)\n", d->global_mem_bytes / 1e9,
           d->max_alloc_bytes / 1e9);
    printf("  global cache        %llu bytes, line %u bytes\n", (unsigned long long)d->global_cache_bytes,
           d->global_cacheline_bytes);
    printf("  local / constant    %llu / %llu bytes\n", (unsigned long long)d->local_mem_bytes,
           (unsigned long long)d->constant_mem_bytes);
    printf("  max work-group      %zu\n", d->max_work_group_size);
    printf("  vector width        preferred / native:");
    for (int i = 0; i < 6; i++)
        printf(" %s %u/%u", widths[i], d->preferred_vector_width[i], d->native_vector_width[i]);
    printf("\n");
    printf("  fp16 / fp64 / idot  %s / %s / %s\n", d->has_fp16 ? "yes" : "no", d->has_fp64 ? "yes" : "no",
           d->has_int_dot ? "yes" : "no");
    printf("  fused multiply-add  %s\n", d->has_fma ? "yes" : "no (fma() is emulated: peaks use mad())");
    printf("  timer resolution    %zu ns\n", d->timer_resolution_ns);
    printf("  extensions          %s\n", d->extensions);
}

int oclab_cmd_devices(int argc, char **argv)
{
    oclab_device_opts opts;
    oclab_device_list list = {0};
    int selected[MAX_SELECTED];
    int n = 0, json = 0, rc;
    oclab_device_opts_init(&opts, "all");
    for (int i = 0; i < argc; i++) {
        int r = oclab_device_opt(&opts, argc, argv, &i);
        if (r < 0)
            return OCLAB_EXIT_USAGE;
        if (r > 0)
            continue;
        if (!strcmp(argv[i], "--json"))
            json = 1;
        else
            return oclab_unknown_arg("devices", argv[i]);
    }
    rc = oclab_device_find(&list, opts.selector, selected, MAX_SELECTED, &n);
    if (rc != OCLAB_EXIT_OK)
        goto cleanup;
    if (json) {
        cJSON *doc = cJSON_CreateObject();
        cJSON *arr = cJSON_AddArrayToObject(doc, "devices");
        for (int i = 0; i < n; i++)
            cJSON_AddItemToArray(arr, oclab_device_json(&list.devices[selected[i]]));
        rc = oclab_json_print(doc) == 0 ? OCLAB_EXIT_OK : OCLAB_EXIT_FAIL;
        cJSON_Delete(doc);
    } else {
        for (int i = 0; i < n; i++) {
            if (i)
                printf("\n");
            print_human(&list.devices[selected[i]]);
        }
    }
cleanup:
    oclab_device_list_free(&list);
    return rc;
}
