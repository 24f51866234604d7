// sieve: fast C++ streams for contest code on wasm32-wasi, linked into every C++ program.
//
// libc++'s std::cin reads its input one character at a time through C stdio, and its number
// parsing and formatting go through generic locale machinery: cin/cout of 10^6 numbers took 11x
// the CPU time of the same program built with g++ (libstdc++), enough to turn accepted solutions
// into TLE. libstdc++ switches cin/cout to their own buffers when a program calls
// std::ios::sync_with_stdio(false), promising not to mix stdio and iostreams; libc++ ignores the
// call. This file gives it libstdc++'s meaning: the call is wrapped at link time
// (-Wl,--wrap=_ZNSt3__28ios_base15sync_with_stdioEb) and then
//   - cin reads up to 64 KiB at a time (first what stdio had already buffered, then read(2),
//     which returns what is available: interactive programs get each reply as it comes),
//   - cout writes 64 KiB at a time (through fwrite, after flushing what stdio held),
//   - cin and cout get num_get/num_put facets with fast paths for integers in decimal.
// Programs that never call sync_with_stdio(false) keep libc++'s behaviour exactly.
// Floating-point values and any non-default formatting go to libc++'s own facets.

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdio_ext.h>
#include <unistd.h>
#include <ios>
#include <iostream>
#include <limits>
#include <locale>
#include <streambuf>

namespace {

class InBuf : public std::streambuf {
    char buf_[1 << 16];

protected:
    int_type underflow() override {
        if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
        // What stdio had already buffered comes first; after it, read(2) returns what is there
        // without waiting for a full buffer (fread would: an interactive program would wait for
        // 64 KiB of replies that come only after its next question).
        size_t n = __freadahead(stdin);
        if (n > 0) {
            n = std::fread(buf_, 1, n < sizeof buf_ ? n : sizeof buf_, stdin);
        } else {
            ssize_t got;
            do got = ::read(0, buf_, sizeof buf_);
            while (got < 0 && errno == EINTR);
            n = got > 0 ? size_t(got) : 0;
        }
        if (n == 0) return traits_type::eof();
        setg(buf_, buf_, buf_ + n);
        return traits_type::to_int_type(*gptr());
    }
};

class OutBuf : public std::streambuf {
    char buf_[1 << 16];

public:
    OutBuf() { setp(buf_, buf_ + sizeof buf_); }
    ~OutBuf() override { sync(); }

protected:
    int_type overflow(int_type c) override {
        if (sync() != 0) return traits_type::eof();
        if (!traits_type::eq_int_type(c, traits_type::eof())) {
            *pptr() = traits_type::to_char_type(c);
            pbump(1);
        }
        return traits_type::not_eof(c);
    }
    int sync() override {
        size_t n = pptr() - pbase();
        if (n && std::fwrite(pbase(), 1, n, stdout) != n) return -1;
        setp(buf_, buf_ + sizeof buf_);
        return std::fflush(stdout) == 0 ? 0 : -1;
    }
    std::streamsize xsputn(const char* s, std::streamsize n) override {
        if (n > epptr() - pptr()) {
            if (sync() != 0) return 0;
            if (n > epptr() - pptr()) return std::fwrite(s, 1, n, stdout);
        }
        std::memcpy(pptr(), s, n);
        pbump(static_cast<int>(n));
        return n;
    }
};

using In = std::istreambuf_iterator<char>;
using Out = std::ostreambuf_iterator<char>;

// Parses an optionally signed decimal integer the way num_get must: no digits is a failure
// (value 0); out of range stores the nearest limit and fails; reaching the end sets eofbit.
template <class T>
In parse(In in, In end, std::ios_base& io, std::ios_base::iostate& err, T& v, bool is_signed) {
    using U = unsigned long long;
    bool neg = false;
    if (in != end && (*in == '-' || *in == '+')) {
        neg = *in == '-';
        ++in;
    }
    U acc = 0;
    bool any = false, overflow = false;
    const U limit = is_signed ? (neg ? U(std::numeric_limits<T>::max()) + 1 : U(std::numeric_limits<T>::max()))
                              : U(std::numeric_limits<T>::max());
    while (in != end) {
        char c = *in;
        if (c < '0' || c > '9') break;
        unsigned d = unsigned(c - '0');
        if (acc > (limit - d) / 10) overflow = true; else acc = acc * 10 + d;
        any = true;
        ++in;
    }
    (void)io;
    err = std::ios_base::goodbit;
    if (in == end) err |= std::ios_base::eofbit;
    if (!any) {
        v = 0;
        err |= std::ios_base::failbit;
    } else if (overflow) {
        v = is_signed && neg ? std::numeric_limits<T>::min() : std::numeric_limits<T>::max();
        err |= std::ios_base::failbit;
    } else if (is_signed) {
        v = neg ? T(0 - acc) : T(acc);
    } else {
        v = neg ? T(0 - acc) : T(acc);  // like strtoull, "-1" wraps for unsigned
    }
    return in;
}

class FastGet : public std::num_get<char> {
    // Only decimal takes the fast path; other bases and auto-detection (basefield 0) go to libc++.
    template <class T>
    iter_type fast(iter_type in, iter_type end, std::ios_base& io, std::ios_base::iostate& err, T& v) const {
        auto base = io.flags() & std::ios_base::basefield;
        if (base != std::ios_base::dec) return std::num_get<char>::do_get(in, end, io, err, v);
        return parse(in, end, io, err, v, std::numeric_limits<T>::is_signed);
    }

protected:
    iter_type do_get(iter_type i, iter_type e, std::ios_base& io, std::ios_base::iostate& err, long& v) const override {
        return fast(i, e, io, err, v);
    }
    iter_type do_get(iter_type i, iter_type e, std::ios_base& io, std::ios_base::iostate& err, long long& v) const override {
        return fast(i, e, io, err, v);
    }
    iter_type do_get(iter_type i, iter_type e, std::ios_base& io, std::ios_base::iostate& err, unsigned int& v) const override {
        return fast(i, e, io, err, v);
    }
    iter_type do_get(iter_type i, iter_type e, std::ios_base& io, std::ios_base::iostate& err, unsigned long& v) const override {
        return fast(i, e, io, err, v);
    }
    iter_type do_get(iter_type i, iter_type e, std::ios_base& io, std::ios_base::iostate& err, unsigned long long& v) const override {
        return fast(i, e, io, err, v);
    }
};

template <class U>
Out emit(Out out, std::ios_base& io, bool neg, U mag) {
    char tmp[24];
    char* p = tmp + sizeof tmp;
    do {
        *--p = char('0' + mag % 10);
        mag /= 10;
    } while (mag);
    if (neg) *--p = '-';
    io.width(0);
    for (; p < tmp + sizeof tmp; ++p) *out++ = *p;
    return out;
}

bool plain(const std::ios_base& io) {
    auto f = io.flags();
    return io.width() == 0 && ((f & std::ios_base::basefield) == std::ios_base::dec || (f & std::ios_base::basefield) == 0) &&
           !(f & std::ios_base::showpos);
}

class FastPut : public std::num_put<char> {
protected:
    iter_type do_put(iter_type out, std::ios_base& io, char fill, long v) const override {
        if (!plain(io)) return std::num_put<char>::do_put(out, io, fill, v);
        return emit(out, io, v < 0, v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v);
    }
    iter_type do_put(iter_type out, std::ios_base& io, char fill, long long v) const override {
        if (!plain(io)) return std::num_put<char>::do_put(out, io, fill, v);
        return emit(out, io, v < 0, v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v);
    }
    iter_type do_put(iter_type out, std::ios_base& io, char fill, unsigned long v) const override {
        if (!plain(io)) return std::num_put<char>::do_put(out, io, fill, v);
        return emit(out, io, false, (unsigned long long)v);
    }
    iter_type do_put(iter_type out, std::ios_base& io, char fill, unsigned long long v) const override {
        if (!plain(io)) return std::num_put<char>::do_put(out, io, fill, v);
        return emit(out, io, false, v);
    }
};

void install() {
    static bool done = false;
    if (done) return;
    done = true;
    std::cout.flush();
    std::fflush(stdout);
    // Never destroyed: libc++ flushes cout after static destructors have run.
    std::cin.rdbuf(new InBuf);
    std::cout.rdbuf(new OutBuf);
    std::atexit([] { std::cout.flush(); });
    std::locale fast(std::locale(std::locale::classic(), new FastGet), new FastPut);
    std::cin.imbue(fast);
    std::cout.imbue(fast);
}

}  // namespace

extern "C" bool __real__ZNSt3__28ios_base15sync_with_stdioEb(bool sync);

extern "C" bool __wrap__ZNSt3__28ios_base15sync_with_stdioEb(bool sync) {
    bool previous = __real__ZNSt3__28ios_base15sync_with_stdioEb(sync);
    if (!sync) install();
    return previous;
}
