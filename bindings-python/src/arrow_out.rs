//! The core's tables out as Arrow: counts as unsigned integers, fen as `int64`,
//! categoricals as dictionaries, exact numbers as `int64` when every value is whole,
//! `decimal128(38, s)` when every value is a finite decimal, and exact strings (`"2/3"`)
//! otherwise. A table built in chunks gets one layout per column: the widest any chunk
//! needs.

use std::sync::Arc;

use arrow_array::types::Int32Type;
use arrow_array::{
    ArrayRef, BooleanArray, Decimal128Array, DictionaryArray, Int32Array, Int64Array, RecordBatch,
    StringArray, UInt64Array,
};
use arrow_schema::{ArrowError, DataType, Field, Schema};
use shequ::num::Num;
use shequ::report::frames::{num_layout, scaled, Cells, Frame, NumLayout};

use crate::capsule::ArrowTable;

/// A column of exact numbers in one chunk, as an Arrow array in the chunk's own layout.
enum NumChunk {
    Int(Int64Array),
    Dec(Decimal128Array, u32),
    Text(StringArray),
}

impl NumChunk {
    fn of(v: &[Option<Num>]) -> Result<NumChunk, ArrowError> {
        Ok(match num_layout(v) {
            NumLayout::Int => NumChunk::Int(v.iter().map(|x| x.and_then(Num::to_i64)).collect()),
            NumLayout::Decimal { scale } => NumChunk::Dec(
                decimal(v.iter().map(|x| x.and_then(|n| scaled(n, scale))), scale)?,
                scale,
            ),
            NumLayout::Text => {
                NumChunk::Text(v.iter().map(|x| x.map(Num::to_exact_string)).collect())
            }
        })
    }

    /// 0 for integers, 1 + scale for decimals, `u32::MAX` for text.
    fn rank(&self) -> u32 {
        match self {
            NumChunk::Int(_) => 0,
            NumChunk::Dec(_, s) => 1 + s,
            NumChunk::Text(_) => u32::MAX,
        }
    }

    /// The array in the layout of `rank` (the widest any chunk of its column needs).
    fn into_array(self, rank: u32) -> Result<ArrayRef, ArrowError> {
        let dec_text = |v: i128, s: u32| -> String {
            10i128
                .checked_pow(s)
                .and_then(|d| Num::ratio(v, d))
                .map_or_else(|| v.to_string(), Num::to_exact_string)
        };
        Ok(match (self, rank) {
            (NumChunk::Int(a), 0) => Arc::new(a),
            (NumChunk::Int(a), u32::MAX) => Arc::new(
                a.iter()
                    .map(|x| x.map(|i| i.to_string()))
                    .collect::<StringArray>(),
            ),
            (NumChunk::Int(a), r) => {
                let s = r - 1;
                let p = 10i128.pow(s);
                Arc::new(decimal(a.iter().map(|x| x.map(|i| i128::from(i) * p)), s)?)
            }
            (NumChunk::Dec(a, s), u32::MAX) => Arc::new(
                a.iter()
                    .map(|x| x.map(|i| dec_text(i, s)))
                    .collect::<StringArray>(),
            ),
            (NumChunk::Dec(a, s), r) if r == 1 + s => Arc::new(a),
            (NumChunk::Dec(a, s), r) => {
                let target = r.saturating_sub(1);
                let p = 10i128.pow(target.saturating_sub(s));
                Arc::new(decimal(a.iter().map(|x| x.map(|i| i * p)), target)?)
            }
            (NumChunk::Text(a), _) => Arc::new(a),
        })
    }
}

fn decimal(
    v: impl Iterator<Item = Option<i128>>,
    scale: u32,
) -> Result<Decimal128Array, ArrowError> {
    let s = i8::try_from(scale).map_err(|_| ArrowError::InvalidArgumentError("scale".into()))?;
    v.collect::<Decimal128Array>()
        .with_precision_and_scale(38, s)
}

enum Col {
    Ready(ArrayRef),
    Num(NumChunk),
}

fn cells_to_col(c: Cells) -> Result<Col, ArrowError> {
    Ok(match c {
        Cells::Count(v) => Col::Ready(Arc::new(UInt64Array::from(v))),
        Cells::Int(v) => Col::Ready(Arc::new(Int64Array::from(v))),
        Cells::Num(v) => Col::Num(NumChunk::of(&v)?),
        Cells::Text(v) => Col::Ready(Arc::new(StringArray::from(v))),
        Cells::Bool(v) => Col::Ready(Arc::new(BooleanArray::from(v))),
        Cells::Cat { values, codes } => {
            let keys: Int32Array = codes
                .iter()
                .map(|c| c.and_then(|c| i32::try_from(c).ok()))
                .collect();
            let values: ArrayRef = Arc::new(StringArray::from(values));
            Col::Ready(Arc::new(DictionaryArray::<Int32Type>::try_new(
                keys, values,
            )?))
        }
    })
}

/// Builds one table from frames of the same columns, chunk by chunk.
#[derive(Default)]
pub struct TableBuilder {
    names: Vec<String>,
    chunks: Vec<Vec<Col>>,
}

impl TableBuilder {
    /// Adds a chunk (its columns must be the same as the first chunk's).
    pub fn push(&mut self, frame: Frame) -> Result<(), ArrowError> {
        if self.names.is_empty() && self.chunks.is_empty() {
            self.names = frame.columns.iter().map(|(n, _)| n.clone()).collect();
        }
        let cols = frame
            .columns
            .into_iter()
            .map(|(_, c)| cells_to_col(c))
            .collect::<Result<Vec<_>, _>>()?;
        if cols.len() != self.names.len() {
            return Err(ArrowError::InvalidArgumentError(
                "a chunk with other columns".into(),
            ));
        }
        self.chunks.push(cols);
        Ok(())
    }

    /// The table, every column in one layout.
    pub fn finish(self) -> Result<ArrowTable, ArrowError> {
        let n = self.names.len();
        let mut rank = vec![0u32; n];
        for chunk in &self.chunks {
            for (k, c) in chunk.iter().enumerate() {
                if let (Col::Num(x), Some(r)) = (c, rank.get_mut(k)) {
                    *r = (*r).max(x.rank());
                }
            }
        }
        let mut batches = Vec::with_capacity(self.chunks.len());
        let mut schema = None;
        for chunk in self.chunks {
            let arrays = chunk
                .into_iter()
                .zip(rank.iter())
                .map(|(c, r)| match c {
                    Col::Ready(a) => Ok(a),
                    Col::Num(x) => x.into_array(*r),
                })
                .collect::<Result<Vec<_>, ArrowError>>()?;
            let s = schema.get_or_insert_with(|| {
                Arc::new(Schema::new(
                    self.names
                        .iter()
                        .zip(arrays.iter())
                        .map(|(name, a)| Field::new(name, a.data_type().clone(), true))
                        .collect::<Vec<_>>(),
                ))
            });
            batches.push(RecordBatch::try_new(s.clone(), arrays)?);
        }
        let schema = match schema {
            Some(s) => s,
            None => Arc::new(Schema::new(
                self.names
                    .iter()
                    .map(|n| Field::new(n, DataType::Null, true))
                    .collect::<Vec<_>>(),
            )),
        };
        Ok(ArrowTable { schema, batches })
    }
}

/// One frame as a table.
pub fn table(frame: Frame) -> Result<ArrowTable, ArrowError> {
    let mut b = TableBuilder::default();
    b.push(frame)?;
    b.finish()
}
