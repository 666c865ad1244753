/* Minimal test assertions shared by the host unit tests.
 * Each CHECK prints file:line and both values on failure and counts it;
 * a test program ends with `return check_report();`, which exits non-zero
 * when anything failed or when nothing was checked at all. */
#ifndef MMUSCOPE_TESTS_CHECK_H
#define MMUSCOPE_TESTS_CHECK_H

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static unsigned check_failures, check_count;

#define CHECK(cond)                                                          \
    do {                                                                     \
        check_count++;                                                       \
        if (!(cond)) {                                                       \
            check_failures++;                                                \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, \
                    #cond);                                                  \
        }                                                                    \
    } while (0)

#define CHECK_EQ(a, b)                                                        \
    do {                                                                      \
        uint64_t check_a_ = (uint64_t)(a), check_b_ = (uint64_t)(b);          \
        check_count++;                                                        \
        if (check_a_ != check_b_) {                                           \
            check_failures++;                                                 \
            fprintf(stderr, "%s:%d: %s == %s failed: 0x%" PRIx64              \
                    " != 0x%" PRIx64 "\n", __FILE__, __LINE__, #a, #b,        \
                    check_a_, check_b_);                                      \
        }                                                                     \
    } while (0)

#define CHECK_STR(a, b)                                                       \
    do {                                                                      \
        const char *check_a_ = (a), *check_b_ = (b);                          \
        check_count++;                                                        \
        if (!check_a_ || !check_b_ || strcmp(check_a_, check_b_) != 0) {      \
            check_failures++;                                                 \
            fprintf(stderr, "%s:%d: %s == %s failed: \"%s\" != \"%s\"\n",     \
                    __FILE__, __LINE__, #a, #b, check_a_ ? check_a_ : "(null)",\
                    check_b_ ? check_b_ : "(null)");                          \
        }                                                                     \
    } while (0)

static inline int check_report(void)
{
    printf("%u checks, %u failed\n", check_count, check_failures);
    return (check_failures || check_count == 0) ? 1 : 0;
}

#endif
