// sieve: minimal C++ exception runtime for wasm32-wasi (clang 14, libc++abi built without exceptions).
//
// The wasm32-wasi libc++abi has no exception-handling support, so any `throw` in user code fails to link
// (undefined __cxa_allocate_exception / __cxa_throw). When user code is compiled WITHOUT -fno-exceptions
// and WITHOUT -fwasm-exceptions, clang accepts `throw`/`try`/`catch`, but wasm32 has no unwinding: catch
// clauses are never entered. This file supplies the ABI entry points so such programs link, and makes
// every throw fatal: it prints a clear message to stderr and calls abort() (a wasm trap => runtime error),
// which matches what an *uncaught* exception does natively (std::terminate -> abort).
//
// Build: compile this file together with the submission, e.g.
//   clang++ --target=wasm32-wasi ... -std=c++17 user.cpp /path/to/sandbox/runtime/exceptions.cpp -o out.wasm ...
// or compile it once to an object and link that (see sandbox/TOOLCHAIN.md). Works with -std=c++11 and
// later (what() is shown for more standard types from C++17 on); it must NOT be compiled with -fno-rtti.

#include <cxxabi.h>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <functional>
#include <ios>
#include <new>
#include <stdexcept>
#include <system_error>
#include <typeinfo>
#if __cplusplus >= 201703L
#include <any>
#include <optional>
#include <variant>
#endif

namespace {

const char kMsg[] = "sieve: C++ exception thrown (exceptions are not supported in the wasm sandbox)";

// Exact-type match against the standard exception classes, so that what() can be shown. (A user class
// derived from std::exception cannot be detected without libc++abi internals; only its type is printed.)
template <class E>
bool try_what(const std::type_info* ti, void* obj, const char** what) {
    if (*ti == typeid(E)) {
        *what = static_cast<const std::exception*>(static_cast<const E*>(obj))->what();
        return true;
    }
    return false;
}

const char* standard_what(const std::type_info* ti, void* obj) {
    const char* w = nullptr;
    (void)(try_what<std::runtime_error>(ti, obj, &w) || try_what<std::logic_error>(ti, obj, &w) ||
           try_what<std::out_of_range>(ti, obj, &w) || try_what<std::invalid_argument>(ti, obj, &w) ||
           try_what<std::length_error>(ti, obj, &w) || try_what<std::domain_error>(ti, obj, &w) ||
           try_what<std::overflow_error>(ti, obj, &w) || try_what<std::underflow_error>(ti, obj, &w) ||
           try_what<std::range_error>(ti, obj, &w) || try_what<std::bad_alloc>(ti, obj, &w) ||
           try_what<std::bad_array_new_length>(ti, obj, &w) || try_what<std::bad_cast>(ti, obj, &w) ||
           try_what<std::bad_typeid>(ti, obj, &w) || try_what<std::bad_exception>(ti, obj, &w) ||
           try_what<std::bad_function_call>(ti, obj, &w) ||
#if __cplusplus >= 201703L
           try_what<std::bad_optional_access>(ti, obj, &w) || try_what<std::bad_variant_access>(ti, obj, &w) ||
           try_what<std::bad_any_cast>(ti, obj, &w) ||
#endif
           try_what<std::system_error>(ti, obj, &w) || try_what<std::ios_base::failure>(ti, obj, &w) ||
           try_what<std::exception>(ti, obj, &w));
    return w;
}

[[noreturn]] void die(const std::type_info* ti, void* obj) {
    if (ti == nullptr) {
        std::fprintf(stderr, "%s\n", kMsg);
    } else {
        int status = 0;
        char* pretty = abi::__cxa_demangle(ti->name(), nullptr, nullptr, &status);
        const char* name = (status == 0 && pretty) ? pretty : ti->name();
        const char* what = obj ? standard_what(ti, obj) : nullptr;
        if (what)
            std::fprintf(stderr, "%s: %s: %s\n", kMsg, name, what);
        else
            std::fprintf(stderr, "%s: %s\n", kMsg, name);
    }
    std::abort();
}

// Exception objects are never freed (the program dies right after the throw), so a bump allocator from a
// small static arena is enough and works even when the throw is std::bad_alloc (heap exhausted).
alignas(16) unsigned char g_arena[64 * 1024];
std::size_t g_used = 0;

} // namespace

namespace __cxxabiv1 {
extern "C" {

void* __cxa_allocate_exception(std::size_t thrown_size) throw() {
    std::size_t n = (thrown_size + 15) & ~static_cast<std::size_t>(15);
    if (g_used + n <= sizeof g_arena) {
        void* p = g_arena + g_used;
        g_used += n;
        std::memset(p, 0, n);
        return p;
    }
    void* p = std::calloc(1, n ? n : 16);
    if (!p) die(nullptr, nullptr);
    return p;
}

void __cxa_free_exception(void*) throw() {}

void __cxa_throw(void* thrown_exception, std::type_info* tinfo, void (*)(void*)) {
    die(tinfo, thrown_exception);
}

void __cxa_rethrow() { die(nullptr, nullptr); }

// Catch handlers are never entered on wasm32 without EH; defined only so references resolve.
void* __cxa_begin_catch(void* exceptionObject) throw() { return exceptionObject; }
void __cxa_end_catch() {}
void* __cxa_get_exception_ptr(void* exceptionObject) throw() { return exceptionObject; }

} // extern "C"
} // namespace __cxxabiv1
