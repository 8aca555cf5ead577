//! Builder setters from a table: the one way a builder or configuration gets its plain options.

/// Declares setters that take and return `self`, one entry each:
///
/// ```ignore
/// setters! {
///     /// Phone number. Defaults to none.
///     phone(phone: impl Into<String>) => Some(body.phone);
///     /// Tolerance on `exp` and `nbf`. Defaults to 5 s.
///     leeway(leeway: Duration) => leeway;
/// }
/// ```
///
/// `=> Some(path)` stores `Some(value.into())` at `self.path` (`=> set(path)`: `value.into()`), where the path may go through a
/// method that gives `&mut` to a part of the body (`user().name`); `=> field` stores the value
/// itself. For an optional list or map at `path`: `=> collect(path)` stores the values of an
/// iterator (replacing any), `=> push(path)` adds one value, `=> extend(path)` adds every value
/// of an iterator, and `name(key: K, value: V) =>
/// insert(path)` adds an entry (each converted with `Into`). Every entry keeps its own doc
/// comment, which says what it defaults to. Setters that do more than store (clamps,
/// conversions, several fields) stay hand-written next to the table.
macro_rules! setters {
    () => {};
    (
        $(#[$doc:meta])*
        $name:ident($($arg:ident: $ty:ty),+) => $how:ident($($path:tt)+);
        $($rest:tt)*
    ) => {
        $(#[$doc])*
        pub fn $name(mut self, $($arg: $ty),+) -> Self {
            $crate::setters::store!($how, self.$($path)+, $($arg),+);
            self
        }

        $crate::setters::setters!($($rest)*);
    };
    (
        $(#[$doc:meta])*
        $name:ident($arg:ident: $ty:ty) => $field:ident;
        $($rest:tt)*
    ) => {
        $(#[$doc])*
        pub fn $name(mut self, $arg: $ty) -> Self {
            self.$field = $arg;
            self
        }

        $crate::setters::setters!($($rest)*);
    };
}
pub(crate) use setters;

/// How a [`setters!`] entry stores its value at `place` (an optional value, list or map).
macro_rules! store {
    (Some, $place:expr, $value:ident) => {
        $place = Some($value.into())
    };
    (set, $place:expr, $value:ident) => {
        $place = $value.into()
    };
    (push, $place:expr, $value:ident) => {
        $crate::setters::Slot::slot(&mut $place).push($value.into())
    };
    (collect, $place:expr, $values:ident) => {
        $place = Some($values.into_iter().map(Into::into).collect())
    };
    (extend, $place:expr, $values:ident) => {
        $crate::setters::Slot::slot(&mut $place).extend($values.into_iter().map(Into::into))
    };
    (insert, $place:expr, $key:ident, $value:ident) => {
        $crate::setters::Slot::slot(&mut $place).insert($key.into(), $value.into())
    };
}
pub(crate) use store;

/// The list or map a [`setters!`] entry adds to: an optional one (made empty first) or a plain
/// one (the generated types have both).
pub(crate) trait Slot<T> {
    fn slot(&mut self) -> &mut T;
}

impl<T: Default> Slot<T> for Option<T> {
    fn slot(&mut self) -> &mut T {
        self.get_or_insert_with(Default::default)
    }
}

impl<T> Slot<Vec<T>> for Vec<T> {
    fn slot(&mut self) -> &mut Vec<T> {
        self
    }
}

impl Slot<serde_json::Map<String, serde_json::Value>>
    for serde_json::Map<String, serde_json::Value>
{
    fn slot(&mut self) -> &mut Self {
        self
    }
}

impl<K, V> Slot<std::collections::BTreeMap<K, V>> for std::collections::BTreeMap<K, V> {
    fn slot(&mut self) -> &mut Self {
        self
    }
}
