//! Fusion: the program's equations become a schedule of steps, where elementwise equations of
//! one shape and dtype (and the sums over all elements at their end) join into one
//! [`FusedLoop`], and every other equation runs as its own kernel.
//!
//! One scan in program order keeps at most one open loop per (shape, dtype). An elementwise
//! equation joins the open loop of its shape; a loop is closed — placed in the schedule —
//! as soon as anything outside it reads one of its values, so each step's inputs are always
//! computed by earlier steps. Broadcasts and transposes feeding a loop stay kernels: they make
//! zero-copy views, which the loop reads through their strides.

use std::collections::HashMap;

use ferrograd_core::fusion::Fusion;
use ferrograd_core::program::{Atom, Program, Var};
use ferrograd_core::{Aval, DType};

use crate::exec::{Consts, Operand, Step};
use crate::tiles::{Dst, FusedLoop, Src, TileOp};

/// How an equation takes part in fusion.
enum Role {
    /// Elementwise, in a loop over elements of `dtype` (a comparison's operands' dtype).
    Map {
        dtype: DType,
    },
    /// A select, fusible when its mask comes from the loop it would join.
    Select,
    Sum,
    Kernel,
}

/// A loop being collected.
struct Group {
    shape: Vec<usize>,
    dtype: DType,
    /// Equation indices, in program order.
    members: Vec<usize>,
    open: bool,
}

/// The schedule of `prog`: kernels and fused loops, in an order that respects every
/// dependency.
pub(crate) fn schedule(prog: &Program, consts: &mut Consts) -> Vec<Step> {
    let uses = Uses::of(prog);
    let mut steps = Vec::new();
    let mut groups: Vec<Group> = Vec::new();
    // The loop that computes each variable, and whether it is one of the loop's sums (read
    // only once the whole loop has run).
    let mut owner: Vec<Option<(usize, bool)>> = vec![None; prog.avals.len()];
    let close = |g: usize, groups: &mut Vec<Group>, steps: &mut Vec<Step>, consts: &mut Consts| {
        if groups[g].open {
            groups[g].open = false;
            steps.push(build_loop(&groups[g], prog, &uses, consts));
        }
    };
    for (i, e) in prog.eqns.iter().enumerate() {
        let open_owner =
            |v: &Var, groups: &[Group]| owner[v.0 as usize].filter(|(g, _)| groups[*g].open);
        let out = &prog.avals[e.outputs[0].0 as usize];
        let open_group = |groups: &[Group], dtype: DType| {
            groups
                .iter()
                .position(|g| g.open && g.shape == out.shape.as_slice() && g.dtype == dtype)
        };
        let role = match role(prog, i) {
            // A select joins the loop that makes its mask; otherwise it is a kernel.
            Role::Select => {
                let target = open_group(&groups, out.dtype);
                let mask_here = match &e.inputs[0] {
                    Atom::Var(p) => {
                        target.is_some() && open_owner(p, &groups) == target.map(|g| (g, false))
                    }
                    Atom::Const(_) => false,
                };
                match mask_here {
                    true => Role::Map { dtype: out.dtype },
                    false => Role::Kernel,
                }
            }
            r => r,
        };
        match role {
            Role::Map { dtype } => {
                let mut target = open_group(&groups, dtype);
                for v in vars(&e.inputs) {
                    if let Some((g, is_sum)) = open_owner(&v, &groups) {
                        if Some(g) != target || is_sum {
                            close(g, &mut groups, &mut steps, consts);
                            if Some(g) == target {
                                target = None;
                            }
                        }
                    }
                }
                let g = target.unwrap_or_else(|| {
                    groups.push(Group {
                        shape: out.shape.to_vec(),
                        dtype,
                        members: Vec::new(),
                        open: true,
                    });
                    groups.len() - 1
                });
                groups[g].members.push(i);
                owner[e.outputs[0].0 as usize] = Some((g, false));
            }
            Role::Sum
                if matches!(
                    &e.inputs[0],
                    Atom::Var(v) if matches!(open_owner(v, &groups), Some((_, false)))
                ) =>
            {
                let Atom::Var(v) = &e.inputs[0] else {
                    unreachable!("matched above")
                };
                let (g, _) = open_owner(v, &groups).expect("matched above");
                groups[g].members.push(i);
                owner[e.outputs[0].0 as usize] = Some((g, true));
            }
            // A select is a map or a kernel by now.
            Role::Sum | Role::Select | Role::Kernel => {
                for v in vars(&e.inputs) {
                    if let Some((g, _)) = open_owner(&v, &groups) {
                        close(g, &mut groups, &mut steps, consts);
                    }
                }
                steps.push(Step::Kernel {
                    prim: e.prim.clone(),
                    inputs: e.inputs.iter().map(|a| consts.operand(a)).collect(),
                    outputs: e.outputs.iter().map(|v| v.0).collect(),
                });
            }
        }
    }
    for g in 0..groups.len() {
        close(g, &mut groups, &mut steps, consts);
    }
    steps
}

/// The variables among `atoms`.
fn vars(atoms: &[Atom]) -> Vec<Var> {
    atoms
        .iter()
        .filter_map(|a| match a {
            Atom::Var(v) => Some(*v),
            Atom::Const(_) => None,
        })
        .collect()
}

fn aval_of(prog: &Program, a: &Atom) -> Aval {
    match a {
        Atom::Var(v) => prog.avals[v.0 as usize].clone(),
        Atom::Const(t) => t.aval(),
    }
}

/// Elementwise equations on floats whose operands all have the output's shape and dtype are
/// fused (comparisons: whose operands have one float aval; selects: whose branches have the
/// output's); a sum of every element of one input may end a loop.
fn role(prog: &Program, i: usize) -> Role {
    let e = &prog.eqns[i];
    let Some(f) = e.prim.fusion() else {
        return Role::Kernel;
    };
    if e.outputs.len() != 1 {
        return Role::Kernel;
    }
    let out = &prog.avals[e.outputs[0].0 as usize];
    let is_float = |d: DType| matches!(d, DType::F32 | DType::F64);
    let x0 = aval_of(prog, &e.inputs[0]);
    // 0-d work stays with the kernels' scalar fast paths, which are quicker than a loop for
    // one element (and use the std functions, so results match eager ones).
    if out.shape.is_empty() && !matches!(f, Fusion::Sum) {
        return Role::Kernel;
    }
    let fits = match f {
        Fusion::Sum => {
            let whole = e.inputs.len() == 1 && out.shape.is_empty();
            if whole && is_float(out.dtype) && x0.dtype == out.dtype {
                return Role::Sum;
            }
            false
        }
        Fusion::Compare { .. } => {
            is_float(x0.dtype) && x0.shape == out.shape && aval_of(prog, &e.inputs[1]) == x0
        }
        Fusion::Select => {
            if is_float(out.dtype) && e.inputs[1..].iter().all(|a| aval_of(prog, a) == *out) {
                return Role::Select;
            }
            false
        }
        Fusion::Unary { .. } | Fusion::Binary { .. } | Fusion::Powi(_) => {
            is_float(out.dtype) && e.inputs.iter().all(|a| aval_of(prog, a) == *out)
        }
    };
    match fits {
        true => Role::Map { dtype: x0.dtype },
        false => Role::Kernel,
    }
}

/// Who reads each variable: the equations, and whether it is a program output.
pub(crate) struct Uses {
    pub readers: Vec<Vec<usize>>,
    pub is_output: Vec<bool>,
}

impl Uses {
    pub fn of(prog: &Program) -> Uses {
        let mut readers = vec![Vec::new(); prog.avals.len()];
        for (i, e) in prog.eqns.iter().enumerate() {
            for v in vars(&e.inputs) {
                readers[v.0 as usize].push(i);
            }
        }
        let mut is_output = vec![false; prog.avals.len()];
        for v in vars(&prog.outputs) {
            is_output[v.0 as usize] = true;
        }
        Uses { readers, is_output }
    }
}

/// Turns a collected group into a loop: operands outside it become inputs, values read
/// outside it become stored outputs, and the rest live in registers, reused once dead.
fn build_loop(group: &Group, prog: &Program, uses: &Uses, consts: &mut Consts) -> Step {
    let member = |i: &usize| group.members.binary_search(i).is_ok();
    let mut inputs: Vec<Operand> = Vec::new();
    let mut input_of: HashMap<Operand, u16> = HashMap::new();
    let mut loc: HashMap<u32, Src> = HashMap::new();
    let mut stored: Vec<u32> = Vec::new();
    let mut masks: Vec<u32> = Vec::new();
    let mut sums: Vec<u32> = Vec::new();
    let mut ops = Vec::with_capacity(group.members.len());
    let mut free: Vec<u16> = Vec::new();
    let mut n_regs = 0u16;
    let mut cost = 0;
    // The position in the group of each value's last reader inside it.
    let mut last_use: HashMap<u32, usize> = HashMap::new();
    for (pos, i) in group.members.iter().enumerate() {
        for v in vars(&prog.eqns[*i].inputs) {
            last_use.insert(v.0, pos);
        }
    }
    for (pos, &i) in group.members.iter().enumerate() {
        let e = &prog.eqns[i];
        let mut src_of = |a: &Atom| match a {
            Atom::Var(v) if loc.contains_key(&v.0) => loc[&v.0],
            _ => {
                let op = consts.operand(a);
                let k = *input_of.entry(op).or_insert_with(|| {
                    inputs.push(op);
                    inputs.len() as u16 - 1
                });
                Src::In(k)
            }
        };
        let srcs: Vec<Src> = e.inputs.iter().map(&mut src_of).collect();
        let out = e.outputs[0].0;
        match e.prim.fusion().expect("members are fusible") {
            Fusion::Sum => {
                ops.push(TileOp::Sum {
                    x: srcs[0],
                    k: sums.len() as u16,
                });
                sums.push(out);
                cost += 1;
            }
            f => {
                let read_outside = uses.is_output[out as usize]
                    || uses.readers[out as usize].iter().any(|r| !member(r));
                let is_mask = matches!(f, Fusion::Compare { .. });
                // An output computed from a variable input is computed in a register and then
                // stored, so that it may be written over that input (read first in each tile).
                let reads_var = srcs.iter().any(
                    |s| matches!(s, Src::In(i) if matches!(inputs[*i as usize], Operand::Var(_))),
                );
                let staged_store = read_outside && !is_mask && reads_var;
                // A mask lives in a register; read outside, it is also stored as bools.
                let dst = if read_outside && !is_mask && !staged_store {
                    stored.push(out);
                    Dst::Out(stored.len() as u16 - 1)
                } else {
                    let r = free.pop().unwrap_or_else(|| {
                        n_regs += 1;
                        n_regs - 1
                    });
                    Dst::Reg(r)
                };
                loc.insert(
                    out,
                    match dst {
                        Dst::Reg(r) => Src::Reg(r),
                        Dst::Out(k) => Src::Out(k),
                    },
                );
                let (op, c) = tile_op(e.prim.name(), f, &srcs, dst);
                ops.push(op);
                cost += c;
                if let (true, Dst::Reg(r)) = (staged_store, dst) {
                    ops.push(TileOp::Store {
                        x: Src::Reg(r),
                        k: stored.len() as u16,
                    });
                    stored.push(out);
                }
                if let (true, Dst::Reg(r)) = (is_mask && read_outside, dst) {
                    ops.push(TileOp::StoreMask {
                        x: Src::Reg(r),
                        k: masks.len() as u16,
                    });
                    masks.push(out);
                }
                if let Dst::Reg(r) = dst {
                    if !last_use.contains_key(&out) {
                        free.push(r);
                    }
                }
            }
        }
        // Registers whose value this equation read last are free for the next ones (not for
        // this equation's own output, which was placed first).
        for v in vars(&e.inputs) {
            if last_use.get(&v.0) == Some(&pos) {
                if let Some(Src::Reg(r)) = loc.get(&v.0) {
                    if !free.contains(r) {
                        free.push(*r);
                    }
                }
            }
        }
    }
    let donatable = donatable(&ops, &inputs);
    let len = group.shape.iter().product();
    let body = FusedLoop {
        dtype: group.dtype,
        shape: group.shape.clone(),
        len,
        n_outputs: stored.len(),
        n_masks: masks.len(),
        n_sums: sums.len(),
        n_regs: n_regs as usize,
        ops,
        cost,
        donatable,
    };
    stored.extend(masks);
    stored.extend(sums);
    Step::Loop {
        body,
        inputs,
        outputs: stored,
    }
}

/// The tile operation of an elementwise equation, and its cost per element.
fn tile_op(name: &'static str, f: Fusion, x: &[Src], out: Dst) -> (TileOp, usize) {
    match f {
        Fusion::Unary { cost, .. } => (
            TileOp::Unary {
                name,
                f,
                x: x[0],
                out,
            },
            cost,
        ),
        Fusion::Powi(n) => (TileOp::Powi { n, x: x[0], out }, 2),
        Fusion::Compare { .. } => {
            let (a, b) = (x[0], x[1]);
            (TileOp::Compare { name, f, a, b, out }, 1)
        }
        Fusion::Select => {
            let (p, a, b) = (x[0], x[1], x[2]);
            (TileOp::Select { p, a, b, out }, 1)
        }
        Fusion::Binary { .. } => {
            let (a, b) = (x[0], x[1]);
            (TileOp::Binary { name, f, a, b, out }, 1)
        }
        Fusion::Sum => unreachable!("sums are placed by build_loop"),
    }
}

/// The (output, input) pairs where the output may be written over the input's buffer: the
/// input is a variable (constants stay), and every operation reading it comes before the one
/// writing the output, so within a tile each element is read before it is overwritten.
fn donatable(ops: &[TileOp], inputs: &[Operand]) -> Vec<(u16, u16)> {
    let reads = |op: &TileOp| -> Vec<Src> {
        match *op {
            TileOp::Unary { x, .. } | TileOp::Powi { x, .. } => vec![x],
            TileOp::Binary { a, b, .. } | TileOp::Compare { a, b, .. } => vec![a, b],
            TileOp::Select { p, a, b, .. } => vec![p, a, b],
            TileOp::StoreMask { x, .. } | TileOp::Store { x, .. } | TileOp::Sum { x, .. } => {
                vec![x]
            }
        }
    };
    let writes = |op: &TileOp| match *op {
        TileOp::Store { k, .. } => Some(Dst::Out(k)),
        TileOp::Unary { out, .. }
        | TileOp::Binary { out, .. }
        | TileOp::Powi { out, .. }
        | TileOp::Compare { out, .. }
        | TileOp::Select { out, .. } => Some(out),
        TileOp::StoreMask { .. } | TileOp::Sum { .. } => None,
    };
    let mut last_read = vec![None; inputs.len()];
    for (w, op) in ops.iter().enumerate() {
        for src in reads(op) {
            if let Src::In(i) = src {
                last_read[i as usize] = Some(w);
            }
        }
    }
    let mut pairs = Vec::new();
    for (w, op) in ops.iter().enumerate() {
        if let Some(Dst::Out(k)) = writes(op) {
            for (i, input) in inputs.iter().enumerate() {
                if matches!(input, Operand::Var(_)) && last_read[i].is_none_or(|r| r < w) {
                    pairs.push((k, i as u16));
                }
            }
        }
    }
    pairs
}
