// sieve: fast C++ streams for contest code on wasm32-wasi, linked into every C++ program that uses
// iostreams.
//
// libc++'s std::cin reads its input one character at a time through C stdio with a codecvt step
// per character, and its number parsing and formatting go through generic locale machinery:
// cin/cout of 10^6 numbers took 5-11x the CPU time of the same program built with g++ (libstdc++).
// Two hooks give libc++ libstdc++'s speed:
//   - When the standard streams are created (libc++'s ios_base::Init constructor, wrapped at link
//     time with -Wl,--wrap=_ZNSt3__28ios_base4InitC1Ev), cin and cout get the stream buffers
//     libstdc++ gives them while they are synchronised with stdio: every character goes straight
//     to getc/ungetc/putc on stdin/stdout, so C stdio and iostreams can be mixed freely, as with
//     g++, and endl/flush mean fflush(stdout). They also get num_get/num_put facets with fast
//     paths for integers in decimal.
//   - std::ios::sync_with_stdio(false) (wrapped with
//     -Wl,--wrap=_ZNSt3__28ios_base15sync_with_stdioEb; libc++ ignores the call) switches them,
//     as libstdc++ does, to their own buffers:
//       - cin reads up to 64 KiB at a time (first what stdio had already buffered, then read(2),
//         which returns what is available: interactive programs get each reply as it comes),
//       - cout writes 64 KiB at a time (through fwrite, after flushing what stdio held).
// Floating-point values and any non-default formatting go to libc++'s own facets.

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdio_ext.h>
#include <unistd.h>
#include <algorithm>
#include <ios>
#include <iostream>
#include <limits>
#include <locale>
#include <streambuf>

extern "C" void (*__sieve_stdin_commit)(void);

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

// cin's buffer while synchronised with stdio. Its get area is a window on stdin's own FILE buffer:
// characters are read in place, and stdio learns how many were used (commit) when the window is
// exhausted, and before any C function reads or moves stdin (runtime/stdio_sync.cpp wraps them).
// So cin and scanf/getchar can be mixed in any order, as with g++, at the speed of a buffer.
void commit_synced_in();

class SyncIn : public std::streambuf {
    int_type last_ = traits_type::eof();
    char own_ = 0;  // a character already taken from stdio, when stdio offers no window

public:
    void commit() {
        if (!eback()) return;
        char* start = eback();
        size_t used = size_t(gptr() - start);
        if (used) last_ = traits_type::to_int_type(gptr()[-1]);
        // Closed before stdio is called: ungetc is wrapped and would commit again.
        setg(nullptr, nullptr, nullptr);
        __sieve_stdin_commit = nullptr;
        if (start != &own_) {
            if (used) __freadptrinc(stdin, used);
        } else if (!used) {
            ungetc(traits_type::to_int_type(own_), stdin);
        }
    }

protected:
    int_type underflow() override {
        commit();
        size_t n = 0;
        const char* p = __freadptr(stdin, &n);
        if (!p || !n) {
            // Let stdio fill its buffer (read(2) returns what is there: interactive programs
            // get each reply as it comes), then put the character back into it.
            int c = getc_unlocked(stdin);
            if (c == EOF) return traits_type::eof();
            ungetc(c, stdin);
            p = __freadptr(stdin, &n);
            if (!p || !n) {
                // Not expected: then take one character at a time from stdio.
                own_ = char(getc_unlocked(stdin));
                setg(&own_, &own_, &own_ + 1);
                __sieve_stdin_commit = commit_synced_in;
                return traits_type::to_int_type(own_);
            }
        }
        char* window = const_cast<char*>(p);
        setg(window, window, window + n);
        // C stdio must hand back what cin used only while a window is open: otherwise the
        // wrappers of stdio_sync.cpp cost a null test.
        __sieve_stdin_commit = commit_synced_in;
        return traits_type::to_int_type(*gptr());
    }
    int_type pbackfail(int_type c) override {
        commit();
        int_type back = traits_type::eq_int_type(c, traits_type::eof()) ? last_ : c;
        last_ = traits_type::eof();
        if (traits_type::eq_int_type(back, traits_type::eof())) return back;
        return ungetc(back, stdin) == EOF ? traits_type::eof() : back;
    }
    std::streamsize xsgetn(char* s, std::streamsize n) override {
        std::streamsize got = 0;
        while (got < n) {
            if (gptr() == egptr() && traits_type::eq_int_type(underflow(), traits_type::eof())) break;
            std::streamsize k = std::min<std::streamsize>(n - got, egptr() - gptr());
            std::memcpy(s + got, gptr(), size_t(k));
            gbump(int(k));
            got += k;
        }
        return got;
    }
    pos_type seekoff(off_type off, std::ios_base::seekdir dir, std::ios_base::openmode) override {
        commit();
        int whence = dir == std::ios_base::beg ? SEEK_SET : dir == std::ios_base::cur ? SEEK_CUR : SEEK_END;
        if (std::fseek(stdin, long(off), whence) != 0) return pos_type(off_type(-1));
        return pos_type(off_type(std::ftell(stdin)));
    }
    pos_type seekpos(pos_type pos, std::ios_base::openmode which) override {
        return seekoff(off_type(pos), std::ios_base::beg, which);
    }
    int sync() override {
        commit();
        return 0;
    }
};

SyncIn* synced_in = nullptr;

void commit_synced_in() {
    if (synced_in) synced_in->commit();
}

// cout's buffer while synchronised with stdio: every character goes to stdout's FILE buffer.
class SyncOut : public std::streambuf {
protected:
    int_type overflow(int_type c) override {
        if (traits_type::eq_int_type(c, traits_type::eof())) return std::fflush(stdout) == 0 ? traits_type::not_eof(c) : c;
        return putc_unlocked(traits_type::to_char_type(c), stdout) == EOF ? traits_type::eof() : c;
    }
    std::streamsize xsputn(const char* s, std::streamsize n) override {
        return std::streamsize(std::fwrite(s, 1, size_t(n), stdout));
    }
    int sync() override { return std::fflush(stdout); }
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
    // libc++'s own helper: one sputn for the whole number (and resets the width).
    return std::__pad_and_output(out, p, p, tmp + sizeof tmp, io, ' ');
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

std::locale fast_locale() {
    static std::locale fast(std::locale(std::locale::classic(), new FastGet), new FastPut);
    return fast;
}

// Synchronised buffers and fast facets, once the standard streams exist.
void install_synced() {
    static bool done = false;
    if (done) return;
    done = true;
    // Never destroyed: libc++ flushes cout after static destructors have run.
    synced_in = new SyncIn;
    std::cin.rdbuf(synced_in);
    std::cout.rdbuf(new SyncOut);
    std::cin.imbue(fast_locale());
    std::cout.imbue(fast_locale());
}

void install() {
    static bool done = false;
    if (done) return;
    done = true;
    std::cout.flush();
    std::fflush(stdout);
    if (synced_in) synced_in->commit();
    synced_in = nullptr;
    // Never destroyed: libc++ flushes cout after static destructors have run.
    std::cin.rdbuf(new InBuf);
    std::cout.rdbuf(new OutBuf);
    std::atexit([] { std::cout.flush(); });
    std::cin.imbue(fast_locale());
    std::cout.imbue(fast_locale());
}

}  // namespace

extern "C" bool __real__ZNSt3__28ios_base15sync_with_stdioEb(bool sync);

extern "C" bool __wrap__ZNSt3__28ios_base15sync_with_stdioEb(bool sync) {
    bool previous = __real__ZNSt3__28ios_base15sync_with_stdioEb(sync);
    if (!sync) install();
    return previous;
}

// In wasm a constructor returns `this`.
extern "C" void* __real__ZNSt3__28ios_base4InitC1Ev(void* self);

extern "C" void* __wrap__ZNSt3__28ios_base4InitC1Ev(void* self) {
    void* r = __real__ZNSt3__28ios_base4InitC1Ev(self);
    install_synced();
    return r;
}
