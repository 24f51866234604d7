// sieve: <bits/extc++.h> for libc++ (wasm32-wasi).
//
// g++'s header includes <bits/stdc++.h> and every GNU extension. Contest code uses it for the
// policy-based data structures, which are provided here: the headers of ext/pb_ds come from the
// host's libstdc++ (Debian's libstdc++-dev, copied into the toolchain's cache by sieve, never into
// this repository) and compile against libc++ through sieve's small bits/c++config.h, debug/debug.h,
// tr1/ and ext/ glue headers. Not provided: ext/rope, ext/slist, the GNU allocators and filebufs
// (they need libstdc++'s internals).
#ifndef SIEVE_BITS_EXTCXX_H
#define SIEVE_BITS_EXTCXX_H

#if !defined(_LIBCPP_VERSION) && defined(__GLIBCXX__)
#include_next <bits/extc++.h>
#else
#include <bits/stdc++.h>
#include <ext/numeric_traits.h>
#include <ext/type_traits.h>
#include <ext/typelist.h>
#include <ext/pb_ds/assoc_container.hpp>
#include <ext/pb_ds/priority_queue.hpp>
#include <ext/pb_ds/exception.hpp>
#include <ext/pb_ds/hash_policy.hpp>
#include <ext/pb_ds/list_update_policy.hpp>
#include <ext/pb_ds/tree_policy.hpp>
#include <ext/pb_ds/trie_policy.hpp>
#endif
#endif
