//! Pytrees: nested containers of tensors that transforms accept and return with the same
//! structure. [`Tree`] is implemented for `Tensor`, tuples (up to 8), `Vec`, arrays,
//! `Option`, string-keyed maps, and user structs via `#[derive(Tree)]`.
//!
//! Rebuilding works from a template value of the same type (`rebuild`), so no type needs to
//! be reconstructible from its [`TreeDef`] alone; the `TreeDef` is the hashable structure
//! (a cache key) and is what error messages print.

use std::collections::{BTreeMap, HashMap};

use crate::Tensor;

/// The structure of a pytree, without its leaves.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum TreeDef {
    Leaf,
    /// A leaf-free value (`()`, `None`).
    Empty,
    Tuple(Vec<TreeDef>),
    List(Vec<TreeDef>),
    /// Sorted string keys.
    Map(Vec<(String, TreeDef)>),
    Struct {
        name: &'static str,
        fields: Vec<(&'static str, TreeDef)>,
    },
}

/// A value made of tensors. Leaves are visited in a fixed order (struct fields in
/// declaration order, map keys sorted).
pub trait Tree: Sized {
    /// Appends the leaves, in order.
    fn flatten_into(&self, leaves: &mut Vec<Tensor>);
    /// The structure.
    fn tree_def(&self) -> TreeDef;
    /// A value shaped like `self` with leaves taken, in order, from `leaves`.
    fn rebuild(&self, leaves: &mut dyn Iterator<Item = Tensor>) -> Self;
}

/// The leaves of a tree, in order.
pub fn leaves<T: Tree>(t: &T) -> Vec<Tensor> {
    let mut v = Vec::new();
    t.flatten_into(&mut v);
    v
}

/// A tree shaped like `template` with the given leaves.
///
/// # Panics
/// If the number of leaves differs from the template's.
pub fn rebuild<T: Tree>(template: &T, leaves: Vec<Tensor>) -> T {
    let n = leaves.len();
    let mut it = leaves.into_iter();
    let out = template.rebuild(&mut it);
    assert!(
        it.next().is_none(),
        "rebuild: {n} leaves given for a tree with fewer ({:?})",
        template.tree_def()
    );
    out
}

/// Applies `f` to every leaf.
pub fn tree_map<T: Tree>(t: &T, f: impl FnMut(&Tensor) -> Tensor) -> T {
    rebuild(t, leaves(t).iter().map(f).collect())
}

/// Next leaf, with a clear message if the tree ran out.
pub fn next_leaf(leaves: &mut dyn Iterator<Item = Tensor>) -> Tensor {
    leaves
        .next()
        .expect("rebuild: too few leaves for the tree's structure")
}

impl Tree for Tensor {
    fn flatten_into(&self, leaves: &mut Vec<Tensor>) {
        leaves.push(self.clone());
    }
    fn tree_def(&self) -> TreeDef {
        TreeDef::Leaf
    }
    fn rebuild(&self, leaves: &mut dyn Iterator<Item = Tensor>) -> Self {
        next_leaf(leaves)
    }
}

impl Tree for () {
    fn flatten_into(&self, _: &mut Vec<Tensor>) {}
    fn tree_def(&self) -> TreeDef {
        TreeDef::Empty
    }
    fn rebuild(&self, _: &mut dyn Iterator<Item = Tensor>) -> Self {}
}

impl<T: Tree> Tree for Vec<T> {
    fn flatten_into(&self, leaves: &mut Vec<Tensor>) {
        self.iter().for_each(|x| x.flatten_into(leaves));
    }
    fn tree_def(&self) -> TreeDef {
        TreeDef::List(self.iter().map(Tree::tree_def).collect())
    }
    fn rebuild(&self, leaves: &mut dyn Iterator<Item = Tensor>) -> Self {
        self.iter().map(|x| x.rebuild(leaves)).collect()
    }
}

impl<T: Tree, const N: usize> Tree for [T; N] {
    fn flatten_into(&self, leaves: &mut Vec<Tensor>) {
        self.iter().for_each(|x| x.flatten_into(leaves));
    }
    fn tree_def(&self) -> TreeDef {
        TreeDef::List(self.iter().map(Tree::tree_def).collect())
    }
    fn rebuild(&self, leaves: &mut dyn Iterator<Item = Tensor>) -> Self {
        std::array::from_fn(|i| self[i].rebuild(leaves))
    }
}

impl<T: Tree> Tree for Option<T> {
    fn flatten_into(&self, leaves: &mut Vec<Tensor>) {
        if let Some(x) = self {
            x.flatten_into(leaves);
        }
    }
    fn tree_def(&self) -> TreeDef {
        match self {
            Some(x) => TreeDef::Tuple(vec![x.tree_def()]),
            None => TreeDef::Empty,
        }
    }
    fn rebuild(&self, leaves: &mut dyn Iterator<Item = Tensor>) -> Self {
        self.as_ref().map(|x| x.rebuild(leaves))
    }
}

impl<T: Tree> Tree for BTreeMap<String, T> {
    fn flatten_into(&self, leaves: &mut Vec<Tensor>) {
        self.values().for_each(|x| x.flatten_into(leaves));
    }
    fn tree_def(&self) -> TreeDef {
        TreeDef::Map(
            self.iter()
                .map(|(k, v)| (k.clone(), v.tree_def()))
                .collect(),
        )
    }
    fn rebuild(&self, leaves: &mut dyn Iterator<Item = Tensor>) -> Self {
        self.iter()
            .map(|(k, v)| (k.clone(), v.rebuild(leaves)))
            .collect()
    }
}

impl<T: Tree, S: std::hash::BuildHasher + Default> Tree for HashMap<String, T, S> {
    fn flatten_into(&self, leaves: &mut Vec<Tensor>) {
        sorted(self)
            .into_iter()
            .for_each(|(_, v)| v.flatten_into(leaves));
    }
    fn tree_def(&self) -> TreeDef {
        TreeDef::Map(
            sorted(self)
                .into_iter()
                .map(|(k, v)| (k.clone(), v.tree_def()))
                .collect(),
        )
    }
    fn rebuild(&self, leaves: &mut dyn Iterator<Item = Tensor>) -> Self {
        sorted(self)
            .into_iter()
            .map(|(k, v)| (k.clone(), v.rebuild(leaves)))
            .collect()
    }
}

fn sorted<T, S>(m: &HashMap<String, T, S>) -> Vec<(&String, &T)> {
    let mut v: Vec<_> = m.iter().collect();
    v.sort_by(|a, b| a.0.cmp(b.0));
    v
}

macro_rules! tuple_tree {
    ($($T:ident $i:tt),+) => {
        impl<$($T: Tree),+> Tree for ($($T,)+) {
            fn flatten_into(&self, leaves: &mut Vec<Tensor>) {
                $(self.$i.flatten_into(leaves);)+
            }
            fn tree_def(&self) -> TreeDef {
                TreeDef::Tuple(vec![$(self.$i.tree_def()),+])
            }
            fn rebuild(&self, leaves: &mut dyn Iterator<Item = Tensor>) -> Self {
                ($(self.$i.rebuild(leaves),)+)
            }
        }
    };
}
tuple_tree!(A 0);
tuple_tree!(A 0, B 1);
tuple_tree!(A 0, B 1, C 2);
tuple_tree!(A 0, B 1, C 2, D 3);
tuple_tree!(A 0, B 1, C 2, D 3, E 4);
tuple_tree!(A 0, B 1, C 2, D 3, E 4, F 5);
tuple_tree!(A 0, B 1, C 2, D 3, E 4, F 5, G 6);
tuple_tree!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trees_flatten_and_rebuild() {
        let mut m = BTreeMap::new();
        m.insert("w".to_string(), Tensor::from(2.0));
        m.insert("b".to_string(), Tensor::from(1.0));
        let t = (m, vec![Tensor::from(3.0)], Some(Tensor::from(4.0)));
        let l = leaves(&t);
        assert_eq!(
            l.iter().map(|x| x.item()).collect::<Vec<_>>(),
            vec![1.0, 2.0, 3.0, 4.0]
        );
        let doubled = tree_map(&t, |x| x * 2.0);
        assert_eq!(doubled.0["w"].item(), 4.0);
        assert_eq!(doubled.2.as_ref().unwrap().item(), 8.0);
        assert_eq!(t.tree_def(), doubled.tree_def());
    }
}
