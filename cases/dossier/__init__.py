"""The prosecutor's dossier (issue 7): a court-ready PDF of a case.

- base.py      the contract other apps implement (DossierSection, register_section, dossier_records)
- sections.py  core sections: summary, team, persons and organisations, chronology, exhibit index
- render.py    collect the sections, write the manifest, lay out the PDF (WeasyPrint)
- services.py  request, build, download audit, verification
- selectors.py reads for views, API and commands
- tasks.py     the Celery task (queue "documents")
- views.py / urls.py  the "Dossier" tab of a case
"""
