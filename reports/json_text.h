#ifndef OCLAB_REPORTS_JSON_TEXT_H
#define OCLAB_REPORTS_JSON_TEXT_H
/* Any JSON value as one line of text, for the generic sections (device identity, environment,
 * measurements) whose keys the renderers do not know in advance. */
#include <stddef.h>

#include <cjson/cJSON.h>

/* Strings as they are, numbers with up to 10 significant digits (as byte sizes when KEY ends in
 * "_bytes"), booleans yes/no, arrays of scalars joined by spaces, objects as "k=v k=v", null "-".
 * Long results are cut at OUT_LEN - 1. Returns OUT. */
char *rpt_json_text(const cJSON *item, const char *key, char *out, size_t out_len);

/* Whether ITEM renders well in one cell: not an object or array holding objects or arrays. */
int rpt_json_is_flat(const cJSON *item);

#endif
