"""Departments of a medical school, their divisions, and their relative size."""

from __future__ import annotations

# (department, relative headcount, divisions); basic-science departments have none.
DEPARTMENTS: list[tuple[str, int, list[str]]] = [
    (
        "Medicine",
        22,
        [
            "Cardiology",
            "Endocrinology",
            "Gastroenterology and Liver Diseases",
            "General Internal Medicine",
            "Geriatrics and Palliative Medicine",
            "Hematology and Oncology",
            "Infectious Diseases",
            "Nephrology",
            "Pulmonary, Critical Care and Sleep Medicine",
            "Rheumatology",
        ],
    ),
    (
        "Surgery",
        10,
        [
            "Acute Care and Trauma Surgery",
            "Cardiothoracic Surgery",
            "General Surgery",
            "Plastic and Reconstructive Surgery",
            "Surgical Oncology",
            "Transplant Surgery",
            "Vascular Surgery",
        ],
    ),
    (
        "Pediatrics",
        10,
        [
            "General and Community Pediatrics",
            "Neonatology",
            "Pediatric Cardiology",
            "Pediatric Emergency Medicine",
            "Pediatric Infectious Diseases",
        ],
    ),
    (
        "Psychiatry and Behavioral Sciences",
        6,
        [
            "Addiction Psychiatry",
            "Child and Adolescent Psychiatry",
            "Consultation-Liaison Psychiatry",
            "Geriatric Psychiatry",
        ],
    ),
    ("Neurology", 5, ["Epilepsy", "Movement Disorders", "Neuromuscular", "Stroke"]),
    (
        "Obstetrics and Gynecology",
        5,
        [
            "Gynecologic Oncology",
            "Maternal-Fetal Medicine",
            "Reproductive Endocrinology and Infertility",
            "Urogynecology",
        ],
    ),
    (
        "Emergency Medicine",
        6,
        ["Emergency Ultrasound", "EMS and Disaster Medicine", "Medical Toxicology"],
    ),
    (
        "Anesthesiology and Critical Care Medicine",
        6,
        [
            "Cardiac Anesthesiology",
            "Critical Care Medicine",
            "Pain Medicine",
            "Pediatric Anesthesiology",
        ],
    ),
    (
        "Radiology",
        5,
        [
            "Breast Imaging",
            "Interventional Radiology",
            "Musculoskeletal Imaging",
            "Neuroradiology",
        ],
    ),
    (
        "Pathology",
        3,
        ["Anatomic Pathology", "Clinical Pathology", "Molecular Pathology"],
    ),
    ("Dermatology", 2, ["Dermatopathology", "Mohs Surgery", "Pediatric Dermatology"]),
    ("Ophthalmology", 2, ["Cornea", "Glaucoma", "Retina"]),
    (
        "Orthopaedic Surgery",
        3,
        ["Hand Surgery", "Joint Reconstruction", "Spine Surgery", "Sports Medicine"],
    ),
    (
        "Otolaryngology - Head and Neck Surgery",
        2,
        ["Laryngology", "Otology", "Rhinology"],
    ),
    ("Urology", 2, ["Endourology", "Pediatric Urology", "Urologic Oncology"]),
    ("Neurological Surgery", 2, ["Neuro-oncology", "Pediatric Neurosurgery", "Spine"]),
    (
        "Physical Medicine and Rehabilitation",
        2,
        ["Brain Injury Medicine", "Spinal Cord Injury Medicine", "Sports and Spine"],
    ),
    ("Radiation Oncology", 2, ["Clinical Radiation Oncology", "Medical Physics"]),
    ("Family Medicine", 3, ["Community Medicine", "Sports Medicine"]),
    ("Biochemistry and Molecular Medicine", 2, []),
    ("Microbiology, Immunology and Tropical Medicine", 2, []),
    ("Pharmacology and Physiology", 2, []),
    ("Anatomy and Cell Biology", 2, []),
    (
        "Clinical Research and Leadership",
        2,
        ["Health Services Research", "Physician Assistant Studies"],
    ),
    ("Biomedical Informatics", 1, []),
]
