/* Number formatting (fmt.h). */
#include "reports/fmt.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

char *rpt_fmt_num(double v, char *out, size_t out_len)
{
    double a = fabs(v);
    if (!isfinite(v))
        snprintf(out, out_len, RPT_DASH);
    else if (a >= 100.0 || a == 0.0)
        snprintf(out, out_len, "%.0f", v);
    else if (a >= 10.0)
        snprintf(out, out_len, "%.1f", v);
    else if (a >= 0.1)
        snprintf(out, out_len, "%.2f", v);
    else if (a >= 0.001)
        snprintf(out, out_len, "%.3g", v);
    else
        snprintf(out, out_len, "%.2e", v);
    return out;
}

char *rpt_fmt_count(double v, char *out, size_t out_len)
{
    static const struct {
        double scale;
        const char *unit;
    } units[] = {{1e12, "T"}, {1e9, "B"}, {1e6, "M"}, {1e3, "k"}};
    char num[32];
    for (size_t i = 0; isfinite(v) && i < sizeof units / sizeof units[0]; i++) {
        if (fabs(v) >= units[i].scale) {
            snprintf(out, out_len, "%s %s", rpt_fmt_num(v / units[i].scale, num, sizeof num), units[i].unit);
            return out;
        }
    }
    return rpt_fmt_num(v, out, out_len);
}

char *rpt_fmt_percent(double fraction, char *out, size_t out_len)
{
    if (!isfinite(fraction))
        snprintf(out, out_len, RPT_DASH);
    else
        snprintf(out, out_len, "%.1f%%", 100.0 * fraction);
    return out;
}

char *rpt_fmt_time(double s, char *out, size_t out_len)
{
    static const struct {
        double scale;
        const char *unit;
    } units[] = {{1.0, "s"}, {1e-3, "ms"}, {1e-6, "us"}, {1e-9, "ns"}};
    if (!isfinite(s) || s < 0.0) {
        snprintf(out, out_len, RPT_DASH);
        return out;
    }
    size_t i = 0;
    while (i + 1 < sizeof units / sizeof units[0] && s < units[i].scale)
        i++;
    char num[32];
    snprintf(out, out_len, "%s %s", rpt_fmt_num(s / units[i].scale, num, sizeof num), units[i].unit);
    return out;
}

char *rpt_fmt_size(double b, char *out, size_t out_len)
{
    static const struct {
        double scale;
        const char *unit;
    } units[] = {{1e12, "TB"}, {1e9, "GB"}, {1e6, "MB"}, {1e3, "kB"}, {1.0, "B"}};
    if (!isfinite(b) || b < 0.0) {
        snprintf(out, out_len, RPT_DASH);
        return out;
    }
    size_t i = 0;
    while (i + 1 < sizeof units / sizeof units[0] && b < units[i].scale)
        i++;
    char num[32];
    if (i + 1 == sizeof units / sizeof units[0])
        snprintf(num, sizeof num, "%.0f", b);
    else
        rpt_fmt_num(b / units[i].scale, num, sizeof num);
    snprintf(out, out_len, "%s %s", num, units[i].unit);
    return out;
}

char *rpt_fmt_bytes(double b, char *out, size_t out_len)
{
    char size[32];
    rpt_fmt_size(b, size, sizeof size);
    if (isfinite(b) && b >= 1e3)
        snprintf(out, out_len, "%s (%.0f B)", size, b);
    else
        snprintf(out, out_len, "%s", size);
    return out;
}

char *rpt_fmt_tick(double v, char *out, size_t out_len)
{
    if (v >= 1e-3 && v < 1e6)
        snprintf(out, out_len, "%g", v);
    else
        snprintf(out, out_len, "1e%+d", (int)lround(log10(v)));
    return out;
}

const char *rpt_compute_unit(const char *precision)
{
    return strncmp(precision, "int", 3) == 0 || strncmp(precision, "uint", 4) == 0 ? "GOP/s" : "GFLOP/s";
}
