//! Records and tables: how the simulator keeps each company's data in memory.
//!
//! A record stores only the fields that were given a value (`(position, value)` pairs);
//! the others read as their type's default. That keeps 100,000 wide customer records small.

use std::sync::Arc;

use serde::ser::{SerializeMap, Serializer};
use serde_json::Value;

use super::schema::{Kind, Schema};

/// One record of a resource.
#[derive(Debug, Clone, Default)]
pub struct Record {
    values: Vec<(u16, Value)>,
    /// For generated records: the seed their nested fields are rebuilt from (0: none).
    seed: u64,
}

impl Record {
    /// The stored value at a field position, if any.
    pub fn get(&self, position: usize) -> Option<&Value> {
        self.values
            .binary_search_by_key(&position, |(p, _)| usize::from(*p))
            .ok()
            .map(|i| &self.values[i].1)
    }

    /// Stores a value at a field position.
    pub fn set(&mut self, position: usize, value: Value) {
        let Ok(key) = u16::try_from(position) else {
            return;
        };
        match self.values.binary_search_by_key(&key, |(p, _)| *p) {
            Ok(i) => self.values[i].1 = value,
            Err(i) => self.values.insert(i, (key, value)),
        }
    }

    /// A record whose unset nested fields are generated from `seed`.
    pub fn seeded(seed: u64) -> Self {
        Self {
            values: Vec::new(),
            seed,
        }
    }

    /// The generation seed (0 when the record was not generated).
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The record's id (field 0 by convention).
    pub fn id(&self) -> i64 {
        self.get(0).and_then(Value::as_i64).unwrap_or_default()
    }
}

/// The value a field reads as when it was never set.
pub fn default_value(kind: Kind, name: &str) -> Value {
    match kind {
        Kind::Int => Value::from(0),
        Kind::Decimal => Value::from(0.0),
        Kind::Bool => Value::Bool(false),
        Kind::Text => Value::String(String::new()),
        Kind::DateTime | Kind::Related { .. } => Value::Null,
        Kind::Child => {
            if name.ends_with('s') {
                Value::Array(Vec::new())
            } else {
                Value::Object(serde_json::Map::new())
            }
        }
    }
}

/// The value of field `position` of `record`, stored or default.
pub fn value_of<'a>(
    schema: &Schema,
    record: &'a Record,
    position: usize,
) -> std::borrow::Cow<'a, Value> {
    if let Some(value) = record.get(position) {
        return std::borrow::Cow::Borrowed(value);
    }
    let field = &schema.fields[position];
    let generated = match (field.kind, schema.generate) {
        (Kind::Child, Some(generate)) if record.seed != 0 => generate(schema, record, &field.name),
        _ => None,
    };
    std::borrow::Cow::Owned(generated.unwrap_or_else(|| default_value(field.kind, &field.name)))
}

/// All records of one resource in one company, kept in id order.
#[derive(Debug)]
pub struct Table {
    /// The resource's fields.
    pub schema: Arc<Schema>,
    /// The records, ascending by id.
    pub rows: Vec<Record>,
    next_id: i64,
}

impl Table {
    /// An empty table whose first id is `first_id`.
    pub fn new(schema: Arc<Schema>, first_id: i64) -> Self {
        Self {
            schema,
            rows: Vec::new(),
            next_id: first_id,
        }
    }

    /// Adds a record, giving it the next id; returns that id.
    pub fn insert(&mut self, mut record: Record) -> i64 {
        let id = self.next_id;
        self.next_id += 1;
        record.set(0, Value::from(id));
        self.rows.push(record);
        id
    }

    /// The record with `id`.
    pub fn get(&self, id: i64) -> Option<&Record> {
        self.rows
            .binary_search_by_key(&id, Record::id)
            .ok()
            .map(|i| &self.rows[i])
    }

    /// The record with `id`, for changing.
    pub fn get_mut(&mut self, id: i64) -> Option<&mut Record> {
        self.rows
            .binary_search_by_key(&id, Record::id)
            .ok()
            .map(|i| &mut self.rows[i])
    }

    /// The table as JSON for the state file: `{"next_id": N, "rows": [{field: value}, …]}`.
    pub fn to_json(&self) -> Value {
        let rows: Vec<Value> = self
            .rows
            .iter()
            .map(|r| {
                let mut object: serde_json::Map<String, Value> = r
                    .values
                    .iter()
                    .filter_map(|(p, v)| {
                        self.schema
                            .fields
                            .get(usize::from(*p))
                            .map(|f| (f.name.clone(), v.clone()))
                    })
                    .collect();
                if r.seed != 0 {
                    object.insert("_seed".into(), Value::from(r.seed));
                }
                Value::Object(object)
            })
            .collect();
        serde_json::json!({ "next_id": self.next_id, "rows": rows })
    }

    /// Replaces the rows with those of a state file (see [`Table::to_json`]).
    pub fn load_json(&mut self, value: &Value) -> Result<(), String> {
        let rows = value["rows"].as_array().ok_or("a table has no rows")?;
        let mut loaded = Vec::with_capacity(rows.len());
        for row in rows {
            let object = row.as_object().ok_or("a row is not an object")?;
            let mut record =
                Record::seeded(object.get("_seed").and_then(Value::as_u64).unwrap_or(0));
            for (name, v) in object {
                if let Some(p) = self.schema.position(name) {
                    record.set(p, v.clone());
                }
            }
            loaded.push(record);
        }
        loaded.sort_by_key(Record::id);
        let highest = loaded.last().map_or(0, Record::id);
        self.next_id = value["next_id"]
            .as_i64()
            .unwrap_or(highest + 1)
            .max(highest + 1);
        self.rows = loaded;
        Ok(())
    }

    /// Removes the record with `id`; whether it existed.
    pub fn remove(&mut self, id: i64) -> bool {
        match self.rows.binary_search_by_key(&id, Record::id) {
            Ok(i) => {
                self.rows.remove(i);
                true
            }
            Err(_) => false,
        }
    }
}

/// Writes a record as a JSON object: the selected scalar fields, then expanded children,
/// with related records supplied by `related`.
pub struct RecordView<'a, F> {
    /// The record's resource.
    pub schema: &'a Schema,
    /// The record.
    pub record: &'a Record,
    /// Positions of the fields to write, in order.
    pub fields: &'a [usize],
    /// Looks up an expanded related record: (resource, id) to its JSON.
    pub related: &'a F,
}

impl<F> serde::Serialize for RecordView<'_, F>
where
    F: Fn(&str, i64) -> Value,
{
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.fields.len()))?;
        for &position in self.fields {
            let field = &self.schema.fields[position];
            match field.kind {
                Kind::Related { resource, via } => {
                    let id = self
                        .schema
                        .position(via)
                        .and_then(|p| self.record.get(p))
                        .and_then(Value::as_i64);
                    let value = id.map_or(Value::Null, |id| (self.related)(resource, id));
                    map.serialize_entry(&field.name, &value)?;
                }
                _ => {
                    map.serialize_entry(
                        &field.name,
                        &value_of(self.schema, self.record, position),
                    )?;
                }
            }
        }
        map.end()
    }
}
