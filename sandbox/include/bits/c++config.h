// sieve: the few libstdc++ configuration macros that GNU extension headers (ext/pb_ds, ext/typelist.h)
// use, defined for libc++ on wasm32-wasi. Not libstdc++'s file: only what those headers need.
#ifndef SIEVE_GLIBCXX_CONFIG_H
#define SIEVE_GLIBCXX_CONFIG_H
#include <cstddef>
#define _GLIBCXX_BEGIN_NAMESPACE_VERSION
#define _GLIBCXX_END_NAMESPACE_VERSION
#define _GLIBCXX_BEGIN_NAMESPACE_CONTAINER
#define _GLIBCXX_END_NAMESPACE_CONTAINER
#define _GLIBCXX_STD_C std
#define _GLIBCXX_VISIBILITY(V)
#define _GLIBCXX_NODISCARD [[__nodiscard__]]
#define _GLIBCXX_NOEXCEPT noexcept
#define _GLIBCXX_USE_NOEXCEPT noexcept
#define _GLIBCXX_THROW(E)
#define _GLIBCXX_CONSTEXPR constexpr
#define _GLIBCXX_USE_CONSTEXPR constexpr
#define _GLIBCXX14_CONSTEXPR constexpr
#define _GLIBCXX17_CONSTEXPR constexpr
#define _GLIBCXX_INLINE_VERSION 0
#define __N(msgid) (msgid)
// Debug mode off, as in a release build of libstdc++.
#define _GLIBCXX_DEBUG_ASSERT(C)
#define _GLIBCXX_DEBUG_PEDASSERT(C)
#define _GLIBCXX_DEBUG_ONLY(X)
#if __cpp_exceptions
#define _GLIBCXX_THROW_OR_ABORT(E) (throw (E))
#define __try try
#define __catch(X) catch (X)
#define __throw_exception_again throw
#else
#define _GLIBCXX_THROW_OR_ABORT(E) (__builtin_abort())
#define __try if (true)
#define __catch(X) if (false)
#define __throw_exception_again
#endif
#endif
