// sieve: <bits/stdc++.h> shim for libc++ (wasm32-wasi).
//
// libc++ has no <bits/stdc++.h> (it is a libstdc++ file), but most contest code starts with it.
// This header includes every standard header that the Debian clang-14 / wasi-libc / libc++ 14
// toolchain can compile for wasm32-wasi, plus the two libstdc++ extensions contest code relies on:
// std::__lg (floor(log2(x))) and std::__gcd.
//
// Not included (they fail or do not exist in this toolchain): <thread>, <future>, <barrier>, <latch>,
// <semaphore>, <shared_mutex> (single-threaded libc++), <filesystem> (disabled in this libc++ build),
// <csetjmp> (wasi-libc has no setjmp.h), <cuchar>, <memory_resource>, <source_location>,
// <stop_token>, <syncstream> (not in libc++ 14). <csignal> only with -D_WASI_EMULATED_SIGNAL.
// The policy-based data structures are in <bits/extc++.h> and <ext/pb_ds/...>. No x86 intrinsics.
//
// If this header is reached by a non-libc++ compiler (e.g. native g++ with -I sandbox/include), it
// defers to the real libstdc++ header.

#ifndef SIEVE_BITS_STDCXX_H
#define SIEVE_BITS_STDCXX_H

#include <cstddef>

#if !defined(_LIBCPP_VERSION)
#include_next <bits/stdc++.h>
#else

// ---- C library wrappers ----
#include <cassert>
#include <cctype>
#include <cerrno>
#include <cfenv>
#include <cfloat>
#include <cinttypes>
#include <ciso646>
#include <climits>
#include <clocale>
#include <cmath>
#if defined(_WASI_EMULATED_SIGNAL)
#include <csignal>
#endif
#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <cwchar>
#include <cwctype>

// ---- C++98/11/14 ----
#include <algorithm>
#include <array>
#include <atomic>
#include <bitset>
#include <chrono>
#include <codecvt>
#include <complex>
#include <condition_variable>
#include <deque>
#include <exception>
#include <forward_list>
#include <fstream>
#include <functional>
#include <initializer_list>
#include <iomanip>
#include <ios>
#include <iosfwd>
#include <iostream>
#include <istream>
#include <iterator>
#include <limits>
#include <list>
#include <locale>
#include <map>
#include <memory>
#include <mutex>
#include <new>
#include <numeric>
#include <ostream>
#include <queue>
#include <random>
#include <ratio>
#include <regex>
#include <scoped_allocator>
#include <set>
#include <sstream>
#include <stack>
#include <stdexcept>
#include <streambuf>
#include <string>
#include <system_error>
#include <tuple>
#include <type_traits>
#include <typeindex>
#include <typeinfo>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <valarray>
#include <vector>

// ---- C++17 ----
#if __cplusplus >= 201703L
#include <any>
#include <charconv>
#include <execution>
#include <optional>
#include <string_view>
#include <variant>
#endif

// ---- C++20 (libc++ 14 subset) ----
#if __cplusplus > 201703L
#include <bit>
#include <compare>
#include <concepts>
#include <coroutine>
#include <numbers>
#include <ranges>
#include <span>
#include <version>
#endif

// ---- libstdc++ extensions used by contest code ----
// libstdc++ declares __gnu_cxx in every header: `using namespace __gnu_cxx;` compiles after any of them.
namespace __gnu_cxx {}

namespace std {

// std::__lg(x): floor(log2(x)) for x > 0 (undefined for x == 0, as in libstdc++). Returns int.
inline constexpr int __lg(int __n) { return (int)sizeof(int) * __CHAR_BIT__ - 1 - __builtin_clz((unsigned)__n); }
inline constexpr int __lg(unsigned __n) { return (int)sizeof(int) * __CHAR_BIT__ - 1 - __builtin_clz(__n); }
inline constexpr int __lg(long __n) { return (int)sizeof(long) * __CHAR_BIT__ - 1 - __builtin_clzl((unsigned long)__n); }
inline constexpr int __lg(unsigned long __n) { return (int)sizeof(long) * __CHAR_BIT__ - 1 - __builtin_clzl(__n); }
inline constexpr int __lg(long long __n) { return (int)sizeof(long long) * __CHAR_BIT__ - 1 - __builtin_clzll((unsigned long long)__n); }
inline constexpr int __lg(unsigned long long __n) { return (int)sizeof(long long) * __CHAR_BIT__ - 1 - __builtin_clzll(__n); }

// std::__gcd(a, b): Euclid on the given type, like libstdc++ (works for signed types; the result has
// the sign that plain Euclid gives, i.e. usually non-negative for non-negative inputs).
// libc++ already declares an internal `template<class T> T __gcd(T, T)` in <numeric> that
// static_asserts on signed types, so a second template with the same signature would clash. Instead,
// the generic implementation lives in __sieve_gcd and exact-match non-template overloads (which win
// overload resolution over libc++'s template) forward to it. As with libstdc++, both arguments must
// have the same type (std::__gcd(x, 0) with long long x fails; write 0LL).
template <class _Tp>
inline constexpr _Tp __sieve_gcd(_Tp __m, _Tp __n) {
    return __n == 0 ? __m : std::__sieve_gcd<_Tp>(__n, __m % __n); // C++11-constexpr form
}
#define SIEVE_GCD_OVERLOAD(T) \
    inline constexpr T __gcd(T __m, T __n) { return std::__sieve_gcd<T>(__m, __n); }
SIEVE_GCD_OVERLOAD(short)
SIEVE_GCD_OVERLOAD(unsigned short)
SIEVE_GCD_OVERLOAD(int)
SIEVE_GCD_OVERLOAD(unsigned)
SIEVE_GCD_OVERLOAD(long)
SIEVE_GCD_OVERLOAD(unsigned long)
SIEVE_GCD_OVERLOAD(long long)
SIEVE_GCD_OVERLOAD(unsigned long long)
#ifdef __SIZEOF_INT128__
SIEVE_GCD_OVERLOAD(__int128)
SIEVE_GCD_OVERLOAD(unsigned __int128)
#endif
#undef SIEVE_GCD_OVERLOAD

} // namespace std

#endif // _LIBCPP_VERSION
#endif // SIEVE_BITS_STDCXX_H
