//! Sites and companies as `GET sites` describes them: one row per company the user may open.

use serde::{Deserialize, Serialize};

/// One element of the `GET sites` answer: a company and the site that holds it.
///
/// Read leniently: a missing field takes its default, unknown fields are ignored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct SiteCompany {
    /// The company's id, sent as `X-Company`.
    pub company_id: i64,
    /// The company's name.
    pub company_name: String,
    /// The site's id (a GUID string), sent as `X-Site`.
    pub site_id: String,
    /// The site's name.
    pub site_name: String,
    /// The site's short name.
    pub site_short_name: String,
    /// The Sage tenant the site belongs to.
    pub tenant_id: i64,
}

/// A site with the companies it holds, for the picker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Site {
    /// The site's id.
    pub id: String,
    /// The site's name.
    pub name: String,
    /// The companies of this site, in the order the server gave them.
    pub companies: Vec<Company>,
}

/// A company inside a [`Site`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Company {
    /// The company's id.
    pub id: i64,
    /// The company's name.
    pub name: String,
}

/// Groups the flat `GET sites` rows into sites, keeping the server's order.
#[must_use]
pub fn group_sites(rows: &[SiteCompany]) -> Vec<Site> {
    let mut sites: Vec<Site> = Vec::new();
    for row in rows {
        let company = Company {
            id: row.company_id,
            name: row.company_name.clone(),
        };
        if let Some(site) = sites.iter_mut().find(|s| s.id == row.site_id) {
            site.companies.push(company);
        } else {
            sites.push(Site {
                id: row.site_id.clone(),
                name: row.site_name.clone(),
                companies: vec![company],
            });
        }
    }
    sites
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_of_one_site_are_grouped_and_missing_fields_default() {
        let rows: Vec<SiteCompany> = serde_json::from_str(
            r#"[{"company_id":1,"company_name":"A","site_id":"s1","site_name":"Head office"},
                {"company_id":2,"company_name":"B","site_id":"s1","site_name":"Head office","extra":true},
                {"company_id":3,"site_id":"s2"}]"#,
        )
        .unwrap();
        let sites = group_sites(&rows);
        assert_eq!(sites.len(), 2);
        assert_eq!(sites[0].companies.len(), 2);
        assert_eq!(sites[1].companies[0].name, "");
        assert_eq!(sites[1].companies[0].id, 3);
    }
}
