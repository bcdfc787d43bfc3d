//! `#[derive(Tree)]`: makes a struct a pytree whose leaves are its fields' leaves, in
//! declaration order.
//!
//! Supported: structs with named fields, tuple structs, unit structs, generic structs (a
//! field whose type mentions a type parameter gets a `Tree` bound in the generated impl).
//! A field marked `#[tree(skip)]` is not part of the tree: it is cloned into rebuilt values
//! (so its type must be `Clone`) and left out of the `TreeDef`. Enums are rejected.
//!
//! The generated code names `::ferrograd::Tree`, `::ferrograd::TreeDef` and
//! `::ferrograd::Tensor`, so users depend on `ferrograd` only.

use std::collections::HashSet;

use proc_macro::TokenStream;
use proc_macro2::{TokenStream as TokenStream2, TokenTree};
use quote::{quote, ToTokens};
use syn::{parse_macro_input, parse_quote, Data, DeriveInput, Fields, Index, Member, Type};

/// Derives `ferrograd::Tree` for a struct. See the crate docs for the rules.
#[proc_macro_derive(Tree, attributes(tree))]
pub fn derive_tree(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    expand(&input)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// One field of the struct.
struct Field {
    member: Member,
    label: String,
    ty: Type,
    skip: bool,
}

/// True if the field carries `#[tree(skip)]`.
fn is_skipped(attrs: &[syn::Attribute]) -> syn::Result<bool> {
    let mut skip = false;
    for attr in attrs.iter().filter(|a| a.path().is_ident("tree")) {
        attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("skip") {
                skip = true;
                Ok(())
            } else {
                Err(meta.error("unknown tree attribute; the only one is #[tree(skip)]"))
            }
        })?;
    }
    Ok(skip)
}

fn fields_of(fields: &Fields) -> syn::Result<Vec<Field>> {
    fields
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let (member, label) = match &f.ident {
                Some(id) => (Member::Named(id.clone()), id.to_string()),
                None => (Member::Unnamed(Index::from(i)), i.to_string()),
            };
            Ok(Field {
                member,
                label,
                ty: f.ty.clone(),
                skip: is_skipped(&f.attrs)?,
            })
        })
        .collect()
}

/// True if `tokens` mention any of `params` (so the type needs a bound).
fn mentions(tokens: TokenStream2, params: &HashSet<String>) -> bool {
    tokens.into_iter().any(|t| match t {
        TokenTree::Ident(id) => params.contains(&id.to_string()),
        TokenTree::Group(g) => mentions(g.stream(), params),
        _ => false,
    })
}

fn expand(input: &DeriveInput) -> syn::Result<TokenStream2> {
    let Data::Struct(data) = &input.data else {
        return Err(syn::Error::new_spanned(
            &input.ident,
            "#[derive(Tree)] supports structs only; for an enum, implement ferrograd::Tree by hand",
        ));
    };
    let fields = fields_of(&data.fields)?;
    let name = &input.ident;
    let name_str = name.to_string();

    // Bounds for fields whose types depend on the struct's type parameters.
    let params: HashSet<String> = input
        .generics
        .type_params()
        .map(|p| p.ident.to_string())
        .collect();
    let mut generics = input.generics.clone();
    let where_clause = generics.make_where_clause();
    for f in fields
        .iter()
        .filter(|f| mentions(f.ty.to_token_stream(), &params))
    {
        let ty = &f.ty;
        where_clause.predicates.push(if f.skip {
            parse_quote!(#ty: ::core::clone::Clone)
        } else {
            parse_quote!(#ty: ::ferrograd::Tree)
        });
    }
    let (impl_generics, ty_generics, where_clause) = generics.split_for_impl();

    let leaves: Vec<&Field> = fields.iter().filter(|f| !f.skip).collect();
    let flatten = leaves.iter().map(|f| {
        let m = &f.member;
        quote!(::ferrograd::Tree::flatten_into(&self.#m, leaves);)
    });
    let defs = leaves.iter().map(|f| {
        let (m, label) = (&f.member, &f.label);
        quote!((#label, ::ferrograd::Tree::tree_def(&self.#m)))
    });
    // Struct-expression fields are evaluated in the order written: declaration order, the
    // order `flatten_into` used.
    let values = fields.iter().map(|f| {
        let m = &f.member;
        if f.skip {
            quote!(::core::clone::Clone::clone(&self.#m))
        } else {
            quote!(::ferrograd::Tree::rebuild(&self.#m, leaves))
        }
    });
    let rebuilt = match &data.fields {
        Fields::Named(_) => {
            let names = fields.iter().map(|f| &f.member);
            quote!(Self { #(#names: #values),* })
        }
        Fields::Unnamed(_) => quote!(Self(#(#values),*)),
        Fields::Unit => quote!(Self),
    };

    Ok(quote! {
        impl #impl_generics ::ferrograd::Tree for #name #ty_generics #where_clause {
            #[allow(unused_variables)]
            fn flatten_into(&self, leaves: &mut ::std::vec::Vec<::ferrograd::Tensor>) {
                #(#flatten)*
            }
            fn tree_def(&self) -> ::ferrograd::TreeDef {
                ::ferrograd::TreeDef::Struct {
                    name: #name_str,
                    fields: ::std::vec![#(#defs),*],
                }
            }
            #[allow(unused_variables)]
            fn rebuild(
                &self,
                leaves: &mut dyn ::core::iter::Iterator<Item = ::ferrograd::Tensor>,
            ) -> Self {
                #rebuilt
            }
        }
    })
}
