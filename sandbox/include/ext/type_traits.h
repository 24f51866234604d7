// sieve: the __gnu_cxx type helpers GNU extension headers use, written over the standard traits.
#ifndef SIEVE_EXT_TYPE_TRAITS_H
#define SIEVE_EXT_TYPE_TRAITS_H
#include <bits/c++config.h>
#include <type_traits>
namespace __gnu_cxx {
template <bool C, typename T> struct __enable_if {};
template <typename T> struct __enable_if<true, T> { typedef T __type; };
template <bool C, typename A, typename B> struct __conditional_type { typedef A __type; };
template <typename A, typename B> struct __conditional_type<false, A, B> { typedef B __type; };
template <typename T> struct __add_unsigned { typedef typename std::make_unsigned<T>::type __type; };
template <typename T> struct __remove_unsigned { typedef typename std::make_signed<T>::type __type; };
template <typename T> inline bool __is_null_pointer(T* p) { return p == 0; }
template <typename T> inline bool __is_null_pointer(T) { return false; }
inline bool __is_null_pointer(std::nullptr_t) { return true; }
}
#endif
