//! The one definition every handle type is written by: [`handle!`].
//!
//! A handle pairs an NVML handle (a pointer such as `nvmlDevice_t`, or an id such as
//! `nvmlVgpuTypeId_t`) with its library, held as `N: NvmlRef`: borrowed (`&'nvml Nvml`, the
//! default, what lookups return) or owned (`Nvml`, a share of the library: the `Owned*`
//! alias). The macro writes, once for every handle type:
//!
//! - the struct and its `Owned*` alias;
//! - `Send` and `Sync`, with their SAFETY argument;
//! - `from_handle` (a handle NVML just returned; null is an error) and the public `unsafe
//!   from_raw` (pointer handles), `handle()` or `id()`, `nvml()`, and the crate's `holder()`;
//! - `Debug` and `into_owned()`;
//! - `PartialEq`, where the value does not own the NVML object, and `borrowed()`, where a copy
//!   of it can neither free nor destroy anything.
//!
//! Four kinds:
//!
//! - `pointer`: a handle NVML owns (`nvmlDevice_t`, `nvmlUnit_t`): `Copy` when borrowed,
//!   equal when the handle is.
//! - `unique`: a handle NVML owns that a method destroys (MIG GPU and compute instances): as
//!   `pointer`, but neither `Clone` nor `borrowed()`, so no copy outlives the destroy.
//! - `owning`: a handle this value owns and frees on drop (`nvmlEventSet_t`, GPM samples,
//!   system event sets): not `Clone`, no `borrowed()`; the type writes its `Drop`, and takes
//!   itself apart with `into_parts`.
//! - `id`: a plain number (vGPU types and instances): any value is safe to wrap; equal when
//!   library and id are.

/// Writes a handle type; see the [module docs](self).
macro_rules! handle {
    // A handle NVML owns: `Copy` when borrowed, `borrowed()`, equality by handle.
    (
        pointer $what:literal;
        $(#[$meta:meta])*
        pub struct $name:ident($raw:ty);
        $(#[$owned_meta:meta])*
        pub type $owned:ident;
    ) => {
        $crate::handle::handle!(@common $name, $owned, $raw, handle, $what, [],
            $(#[$meta])* #[derive(Clone, Copy)];
            $(#[$owned_meta])*);
        $crate::handle::handle!(@pointer $name, $raw, $what);
        $crate::handle::handle!(@nvml_owned $name, $owned, $what);
        $crate::handle::handle!(@shared $name, $owned, handle);
    };

    // A handle NVML owns that a method consumes (destroys): one value per NVML object, so
    // neither `Clone` nor `borrowed()`.
    (
        unique $what:literal;
        $(#[$meta:meta])*
        pub struct $name:ident($raw:ty);
        $(#[$owned_meta:meta])*
        pub type $owned:ident;
    ) => {
        $crate::handle::handle!(@common $name, $owned, $raw, handle, $what, [], $(#[$meta])*;
            $(#[$owned_meta])*);
        $crate::handle::handle!(@pointer $name, $raw, $what);
        $crate::handle::handle!(@nvml_owned $name, $owned, $what);
    };

    // A handle this value owns and frees on drop.
    (
        owning $what:literal;
        $(#[$meta:meta])*
        pub struct $name:ident($raw:ty);
        $(#[$owned_meta:meta])*
        pub type $owned:ident;
    ) => {
        $crate::handle::handle!(@common $name, $owned, $raw, handle, $what, [: $crate::NvmlRef],
            $(#[$meta])*;
            $(#[$owned_meta])*);
        $crate::handle::handle!(@pointer $name, $raw, $what);

        impl<N: $crate::NvmlRef> $name<'_, N> {
            /// The library share (or reference) and the raw handle, with this value's `Drop`
            /// skipped: the caller now frees the handle, or wraps it again.
            fn into_parts(self) -> (N, $raw) {
                let this = std::mem::ManuallyDrop::new(self);
                // SAFETY: `this` is never dropped or used again, so `nvml` is moved out of
                // it, not duplicated: exactly one owner of the share remains.
                let nvml = unsafe { std::ptr::read(&this.nvml) };
                (nvml, this.handle)
            }

            #[doc = concat!("This ", $what, " as an [`", stringify!($owned), "`], holding a share of \
                the library: no lifetime, storable in a struct, movable into a thread. The NVML \
                object is moved, not copied. See [`NvmlRef`](crate::NvmlRef).")]
            pub fn into_owned(self) -> $owned {
                let (nvml, handle) = self.into_parts();
                $name {
                    nvml: $crate::nvml_ref::sealed::Sealed::into_nvml(nvml),
                    handle,
                    borrow: std::marker::PhantomData,
                }
            }
        }
    };

    // A plain number: any value is safe to wrap.
    (
        id $what:literal;
        $(#[$meta:meta])*
        pub struct $name:ident($raw:ty);
        $(#[$owned_meta:meta])*
        pub type $owned:ident;
    ) => {
        $crate::handle::handle!(@common $name, $owned, $raw, id, $what, [],
            $(#[$meta])* #[derive(Clone, Copy)];
            $(#[$owned_meta])*);
        $crate::handle::handle!(@shared $name, $owned, id);

        /// Equal when they are the same id of the same library (shares of one `Nvml`).
        impl<N: $crate::NvmlRef, M: $crate::NvmlRef> PartialEq<$name<'_, M>> for $name<'_, N> {
            fn eq(&self, other: &$name<'_, M>) -> bool {
                self.nvml.as_nvml() == other.nvml.as_nvml() && self.id == other.id
            }
        }
        impl<N: $crate::NvmlRef> Eq for $name<'_, N> {}

        impl<'nvml, N: $crate::NvmlRef> $name<'nvml, N> {
            /// Pairs an id with its library. Any number is safe: one the driver does not know
            /// is answered with an error.
            #[inline(always)]
            pub(crate) fn from_handle(nvml: N, id: $raw) -> Self {
                Self { nvml, id, borrow: std::marker::PhantomData }
            }

            #[doc = concat!("The raw `", stringify!($raw), "`.")]
            #[inline(always)]
            pub fn id(&self) -> $raw {
                self.id
            }

            #[doc = concat!("This ", $what, " as an [`", stringify!($owned), "`], holding a share of \
                the library (an `Arc` clone): no lifetime, storable in a struct, movable into a \
                thread. See [`NvmlRef`](crate::NvmlRef).")]
            pub fn into_owned(self) -> $owned {
                $name {
                    nvml: $crate::nvml_ref::sealed::Sealed::into_nvml(self.nvml),
                    id: self.id,
                    borrow: std::marker::PhantomData,
                }
            }
        }
    };

    // The struct, its alias, `Send`/`Sync`, `Debug`, `nvml()` and `holder()`.
    (@common $name:ident, $owned:ident, $raw:ty, $field:ident, $what:literal,
        [$($bound:tt)*], $(#[$meta:meta])*; $(#[$owned_meta:meta])*) => {
        $(#[$meta])*
        pub struct $name<'nvml, N $($bound)* = &'nvml $crate::Nvml> {
            nvml: N,
            $field: $raw,
            borrow: std::marker::PhantomData<&'nvml $crate::Nvml>,
        }

        $(#[$owned_meta])*
        pub type $owned = $name<'static, $crate::Nvml>;

        // SAFETY: the handle is an opaque pointer or id that NVML, which is thread-safe,
        // accepts from any thread, and it stays valid while the library is initialised, which
        // the `'nvml` borrow or the owned share (`N: NvmlRef`, itself `Send + Sync`)
        // guarantees. A handle this value frees is freed only by `Drop` or by a method taking
        // it by value, so no other thread can be using it then.
        unsafe impl<N: $crate::NvmlRef> Send for $name<'_, N> {}
        // SAFETY: as above: NVML documents concurrent calls from several threads, with the
        // same handle, as safe; methods that change what the handle refers to take it by
        // value or `&mut self`.
        unsafe impl<N: $crate::NvmlRef> Sync for $name<'_, N> {}

        impl<N $($bound)*> std::fmt::Debug for $name<'_, N> {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct(stringify!($name))
                    .field(stringify!($field), &self.$field)
                    .finish()
            }
        }

        impl<'nvml> $name<'nvml> {
            #[doc = concat!("The [`Nvml`](crate::Nvml) this ", $what, " belongs to.")]
            #[inline(always)]
            pub fn nvml(&self) -> &'nvml $crate::Nvml {
                self.nvml
            }
        }

        impl $owned {
            #[doc = concat!("The [`Nvml`](crate::Nvml) share this ", $what, " holds.")]
            #[inline(always)]
            pub fn nvml(&self) -> &$crate::Nvml {
                &self.nvml
            }
        }

        impl<N: $crate::NvmlRef> $name<'_, N> {
            /// How this handle holds its library, for building handles from the same share.
            #[inline(always)]
            #[allow(dead_code, reason = "not every handle type builds others")]
            pub(crate) fn holder(&self) -> &N {
                &self.nvml
            }
        }
    };

    // `from_handle`, `from_raw` and `handle()` of a pointer handle.
    (@pointer $name:ident, $raw:ty, $what:literal) => {
        impl<'nvml, N: $crate::NvmlRef> $name<'nvml, N> {
            /// Wraps a handle NVML returned; a null handle is an error.
            #[inline]
            pub(crate) fn from_handle(nvml: N, handle: $raw) -> $crate::Result<Self> {
                if handle.is_null() {
                    return Err($crate::NvmlError::UnexpectedValue {
                        what: concat!($what, " handle"),
                        value: 0,
                    });
                }
                Ok(Self { nvml, handle, borrow: std::marker::PhantomData })
            }

            #[doc = concat!("Wraps a raw `", stringify!($raw), "`, e.g. one returned by a call \
                through [`Nvml::lib`](crate::Nvml::lib).")]
            ///
            /// # Safety
            #[doc = concat!("`handle` must be a ", $what, " handle (`", stringify!($raw), "`) \
                that the library of `nvml` returned while initialised, not null, and still \
                live. If this type frees its handle on drop, nothing else may free it. A \
                handle from another library (another loaded copy, or one that was shut down) \
                is undefined behaviour at the next call.")]
            #[inline]
            pub unsafe fn from_raw(nvml: N, handle: $raw) -> Self {
                Self { nvml, handle, borrow: std::marker::PhantomData }
            }

            #[doc = concat!("The raw `", stringify!($raw), "`, for calls through \
                [`Nvml::lib`](crate::Nvml::lib). It is valid while this value's library is \
                initialised (and, for a handle this value frees on drop, while it lives).")]
            #[inline(always)]
            pub fn handle(&self) -> $raw {
                self.handle
            }
        }
    };

    // Equality by handle and `into_owned()`, for handles NVML owns.
    (@nvml_owned $name:ident, $owned:ident, $what:literal) => {
        /// Equal when they are the same NVML object (the same handle), borrowed or owned.
        impl<N, M> PartialEq<$name<'_, M>> for $name<'_, N> {
            fn eq(&self, other: &$name<'_, M>) -> bool {
                self.handle == other.handle
            }
        }
        impl<N> Eq for $name<'_, N> {}

        impl<N: $crate::NvmlRef> $name<'_, N> {
            #[doc = concat!("This ", $what, " as an [`", stringify!($owned), "`], holding a share of \
                the library (an `Arc` clone): no lifetime, storable in a struct, movable into a \
                thread. See [`NvmlRef`](crate::NvmlRef).")]
            pub fn into_owned(self) -> $owned {
                $name {
                    nvml: $crate::nvml_ref::sealed::Sealed::into_nvml(self.nvml),
                    handle: self.handle,
                    borrow: std::marker::PhantomData,
                }
            }
        }
    };

    // `borrowed()` of a handle whose copies free nothing.
    (@shared $name:ident, $owned:ident, $field:ident) => {
        impl<N: $crate::NvmlRef> $name<'_, N> {
            /// The borrowed form of this handle: a copy of the handle and a reference to the
            /// library, at no cost.
            #[inline(always)]
            pub fn borrowed(&self) -> $name<'_> {
                $name {
                    nvml: self.nvml.as_nvml(),
                    $field: self.$field,
                    borrow: std::marker::PhantomData,
                }
            }
        }
    };
}
pub(crate) use handle;
