#include "host/tune/space.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

void oclab_tune_space_init(oclab_tune_space *space, const char *family, oclab_tune_valid_fn valid, void *user)
{
    memset(space, 0, sizeof *space);
    snprintf(space->family, sizeof space->family, "%s", family);
    space->valid = valid;
    space->user = user;
}

int oclab_tune_add(oclab_tune_space *space, const char *name, const int *values, int n, int start)
{
    if (space->n_params == OCLAB_TUNE_MAX_PARAMS || n < 1 || n > OCLAB_TUNE_MAX_VALUES ||
        strlen(name) >= OCLAB_TUNE_NAME_LEN) {
        space->failed = 1;
        return -1;
    }
    for (int i = 1; i < n; i++)
        if (values[i] <= values[i - 1]) {
            space->failed = 1;
            return -1;
        }
    int index = space->n_params++;
    oclab_tune_param *p = &space->params[index];
    snprintf(p->name, sizeof p->name, "%s", name);
    memcpy(p->values, values, (size_t)n * sizeof *values);
    p->n = n;
    int nearest = values[0];
    for (int i = 1; i < n; i++)
        if (fabs((double)values[i] - start) < fabs((double)nearest - start))
            nearest = values[i];
    space->start[index] = nearest;
    return index;
}

int oclab_tune_get(const oclab_tune_space *space, const int *point, const char *name, int fallback)
{
    for (int i = 0; i < space->n_params; i++)
        if (strcmp(space->params[i].name, name) == 0)
            return point[i];
    return fallback;
}

int oclab_tune_index_of(const oclab_tune_param *p, int value)
{
    for (int i = 0; i < p->n; i++)
        if (p->values[i] == value)
            return i;
    return -1;
}

uint64_t oclab_tune_space_size(const oclab_tune_space *space)
{
    uint64_t size = 1;
    for (int i = 0; i < space->n_params; i++)
        if (__builtin_mul_overflow(size, (uint64_t)space->params[i].n, &size))
            return UINT64_MAX;
    return size;
}

int oclab_tune_point_valid(const oclab_tune_space *space, const int *point, char *why, size_t why_len)
{
    char scratch[8];
    if (!why) {
        why = scratch;
        why_len = sizeof scratch;
    }
    for (int i = 0; i < space->n_params; i++)
        if (oclab_tune_index_of(&space->params[i], point[i]) < 0) {
            snprintf(why, why_len, "%s=%d is not in the space", space->params[i].name, point[i]);
            return 0;
        }
    return space->valid ? space->valid(space, point, space->user, why, why_len) : 1;
}

void oclab_tune_point_text(const oclab_tune_space *space, const int *point, char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int i = 0; i < space->n_params && used < len; i++) {
        int n = snprintf(buf + used, len - used, "%s%s=%d", i ? " " : "", space->params[i].name, point[i]);
        if (n < 0)
            break;
        used += (size_t)n;
    }
}

cJSON *oclab_tune_point_json(const oclab_tune_space *space, const int *point)
{
    cJSON *o = cJSON_CreateObject();
    for (int i = 0; i < space->n_params; i++)
        cJSON_AddNumberToObject(o, space->params[i].name, point[i]);
    return o;
}

int oclab_tune_point_from_json(const oclab_tune_space *space, const cJSON *params, int *point)
{
    if (!cJSON_IsObject(params) || cJSON_GetArraySize(params) != space->n_params)
        return -1;
    for (int i = 0; i < space->n_params; i++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(params, space->params[i].name);
        if (!cJSON_IsNumber(v) || !(fabs(v->valuedouble) <= 1e9) || v->valuedouble != (double)(int)v->valuedouble ||
            oclab_tune_index_of(&space->params[i], (int)v->valuedouble) < 0)
            return -1;
        point[i] = (int)v->valuedouble;
    }
    return 0;
}
