// sieve: libstdc++'s debug mode is not available; its macros are those of a release build.
#ifndef SIEVE_GLIBCXX_DEBUG_H
#define SIEVE_GLIBCXX_DEBUG_H
#include <bits/c++config.h>
#define __glibcxx_requires_valid_range(F, L)
#endif
