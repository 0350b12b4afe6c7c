/* Fuzz target: the tuning cache as oclab reads it (host/tune/cache.c): the document check, then the
 * lookup of a key in a fixed space; a point handed back must be a valid point of that space. */
#include <string.h>

#include "host/tune/cache.h"
#include "input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cJSON *json = fuzz_parse(data, size); /* rl_json_parse, as the file reader does */
    if (!json)
        return 0;
    char why[256] = "";
    if (!oclab_tune_cache_entries(json, why, sizeof why)) {
        fuzz_expect(why[0] != '\0' && !strchr(why, '\n'), "cache refused without a one-line reason");
        cJSON_Delete(json);
        return 0;
    }
    static const int vecs[] = {1, 2, 4, 8, 16}, naccs[] = {1, 2, 4, 8, 16, 32};
    oclab_tune_space space;
    oclab_tune_space_init(&space, "compute", NULL, NULL);
    oclab_tune_add(&space, "vec", vecs, 5, 8);
    oclab_tune_add(&space, "nacc", naccs, 6, 8);
    oclab_tune_key key = {"P", "D", "1", 0x1234, "compute", "f32", "peak"};
    int point[OCLAB_TUNE_MAX_PARAMS];
    const cJSON *entry = NULL;
    if (oclab_tune_cache_lookup(json, &key, &space, point, &entry) == 0)
        fuzz_expect(entry && oclab_tune_point_valid(&space, point, NULL, 0), "a cached point outside its space");
    cJSON_Delete(json);
    return 0;
}
