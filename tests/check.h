/* Minimal test assertions shared by the host unit tests.
 * Each CHECK prints file:line and both values on failure and counts it;
 * a test program ends with `return check_report();`, which exits non-zero
 * when anything failed or when nothing was checked at all. */
#ifndef MMUSCOPE_TESTS_CHECK_H
#define MMUSCOPE_TESTS_CHECK_H

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
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

/* The seeded tests' random numbers: xorshift64*, the same sequence for a
 * seed on every host. */
static inline uint64_t *check_rng(void)
{
    static uint64_t state = 1;
    return &state;
}

static inline void check_seed(uint64_t seed)
{
    *check_rng() = seed ? seed : 1;
}

static inline uint32_t check_rand(void)
{
    uint64_t *s = check_rng();
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return (uint32_t)((*s * 0x2545F4914F6CDD1Dull) >> 32);
}

/* A seeded test's options: "--seed N" and "COUNT_OPT N"; anything else
 * prints usage and returns false. */
static inline bool check_seed_options(int argc, char **argv, const char *count_opt,
                                      uint64_t *seed, unsigned long *count, const char *usage)
{
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--seed") && i + 1 < argc)
            *seed = strtoull(argv[++i], NULL, 0);
        else if (!strcmp(argv[i], count_opt) && i + 1 < argc)
            *count = strtoul(argv[++i], NULL, 0);
        else {
            fprintf(stderr, "usage: %s\n", usage);
            return false;
        }
    }
    check_seed(*seed);
    return true;
}

static inline int check_report(void)
{
    printf("%u checks, %u failed\n", check_count, check_failures);
    return (check_failures || check_count == 0) ? 1 : 0;
}

#endif
