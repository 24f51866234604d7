// sieve: __gnu_cxx::__numeric_traits over std::numeric_limits.
#ifndef SIEVE_EXT_NUMERIC_TRAITS_H
#define SIEVE_EXT_NUMERIC_TRAITS_H
#include <limits>
#include <ext/type_traits.h>
namespace __gnu_cxx {
template <typename T> struct __numeric_traits {
  static const T __min = std::numeric_limits<T>::min();
  static const T __max = std::numeric_limits<T>::max();
  static const bool __is_signed = std::numeric_limits<T>::is_signed;
  static const int __digits = std::numeric_limits<T>::digits;
};
}
#endif
