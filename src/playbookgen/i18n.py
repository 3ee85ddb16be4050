"""Every word playbookgen prints into an output, in each language a playbook can be written in.

Templates never hold literal words: they read them from ``labels(language)`` (the site) and
``checklist_labels(language)`` (the printable checklists), so a page in a Polish playbook is Polish
from its title to its last link. Adding a language means adding it here, in one file.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from types import MappingProxyType

__all__ = ["LABELS", "labels", "CHECKLIST_LABELS", "checklist_labels", "format_date", "format_day",
           "CLOSED_STAGE_NAMES", "CRM_GUIDANCE_HEADING", "EXAMPLE_VALUES_COMMENT", "format_number", "half_up",
           "plural", "PREVIEW_LABELS", "preview_labels"]

_EN: dict[str, str] = {
    "home": "Home",
    "start_here": "Start here",
    "stages": "Pipeline stages",
    "stage": "Stage",
    "techniques": "Techniques",
    "frameworks": "Qualification frameworks",
    "metrics": "Metrics",
    "glossary": "Glossary",
    "case_studies": "Case studies",
    "guides": "Guides",
    "pipeline": "The pipeline",
    "pipeline_intro": "Every deal moves through these stages in this order. Open a stage to see what has to be true before the deal moves on.",
    "probability": "Win probability",
    "max_days": "Stall limit",
    "days": "days",
    "days_max": "{n} days max.",
    "closed_won": "Closed: won",
    "closed_lost": "Closed: lost",
    "summary": "In short",
    "description": "About this stage",
    "exit_criteria": "Exit criteria",
    "exit_criteria_intro": "Tick each one once it is true for the deal in front of you.",
    "evidence": "Evidence",
    "techniques_used": "Techniques",
    "challenges": "Challenges",
    "remedy": "Remedy",
    "bottleneck": "Bottleneck",
    "how_to_spot": "How to spot it",
    "signals": "Signals the deal is ready to move on",
    "signals_last": "Signals the deal is ready to close",
    "disqualify_when": "When to disqualify",
    "tools": "Tools",
    "questions": "Questions to ask",
    "settles": "Framework elements settled here",
    "at_a_glance": "At a glance",
    "previous_stage": "Previous stage",
    "next_stage": "Next stage",
    "printable_checklist": "Printable checklist",
    "printable_checklist_pdf": "Printable checklist (PDF)",
    "used_in": "Used in",
    "not_used": "Not used in any stage yet.",
    "steps": "Steps",
    "question": "Question",
    "elements": "Elements",
    "computation": "How it is computed",
    "formula": "Formula",
    "see_also": "See also",
    "context": "Context",
    "change": "What changed",
    "result": "Result",
    "lesson": "Lesson",
    "reading_order": "Reading order",
    "reading_order_intro": "Read the playbook in this order during your first days.",
    "first_day": "Your first day",
    "first_week": "Your first week",
    "start_intro": "Welcome to the team. This page tells you what to read first and what to do on your first day and in your first week. Tick the tasks off as you go.",
    "read_overview": "the pipeline at a glance and how deals move through it",
    "read_stages": "each stage in order: what happens, what must be true to move on",
    "read_techniques": "the techniques the stages rely on",
    "read_frameworks": "how we qualify a deal",
    "read_metrics": "the numbers we watch",
    "read_glossary": "the words you will hear",
    "read_case_studies": "pipelines that worked",
    "read_guides": "hand-written guides from the team",
    "palette_dark": "Switch to dark mode",
    "palette_light": "Switch to light mode",
    "objections": "Objections",
    "objections_heard": "Objections you will hear",
    "objections_intro": "Open an objection to see how to answer it.",
    "objections_page_intro": "What buyers say when they hesitate, grouped by topic, with our answers and the stages where you hear them.",
    "avoid": "Avoid",
    "heard_in": "Heard in",
    "other_category": "Other",
    "emails": "Email templates",
    "emails_for_stage": "Emails for this stage",
    "emails_intro": "Copy a template with the button in its corner and fill in the fields in curly braces, such as {first_name}, before you send it.",
    "subject": "Subject",
    "when_to_send": "When to send it",
    "sent_in": "Sent in",
    "example": "Worked example",
    "read_objections": "what buyers say when they hesitate, and how to answer",
    "read_emails": "emails ready to copy, one for each step",
    "settled_in": "Settled in",
    "team_settings": "The win probability and the stall limit are our team's settings, set from our own deals; they are not research findings.",
    "example_value": "example value",
    "example_values": "The win probability and the stall limit are example values until the team sets its own from its deals; they are not research findings.",
    "pipeline_examples": "The percentages and day limits beside the stages are example values until the team sets its own.",
    "health_examples": "The playbook's probabilities and stall limits are still example values: the suggestions below help the team set its own.",
    "permalink": "Permanent link",
    "ticks_clear": "Clear ticks",
    "ticks_saved": "Your ticks are kept in this browser only.",
    # Pipeline health (render/health.py): the page, its charts and each stage's panel.
    "health": "Pipeline health",
    "health_intro": "The playbook's settings held against the team's real deals: how many deals reach each stage, how long they stay there, how often they are won, and where they stall now.",
    "health_sample_title": "SAMPLE data",
    "health_sample": "These figures come from made-up deals (a synthetic sample export), not from any team's CRM. To see your own pipeline, build the playbook with your CRM's deal export.",
    "health_source": "Source",
    "health_source_text": "{file} ({format} export): {deals_words} in {rows_words}",
    "health_skipped": "Rows left out because of a problem in the file",
    "health_problems": "Problems in the deals file",
    "health_problems_intro": "Reading the deals file found these problems. A row with one is left out of the figures below: fix it in the CRM and export the file again.",
    "health_as_of": "As of",
    "health_no_history_title": "Figures that need stage history",
    "health_no_history": "A {format} export holds each deal's current stage but not its history, so these figures cannot be computed from it: reached, conversion, days in stage, and the win rate from each stage. Open and stalled deals, the overall win rate, deal size and cycle are shown.",
    "health_findings": "What the data says",
    "health_findings_none": "The deals agree with the playbook: every probability lies inside the 95% interval of its stage's win rate, and every stall limit inside the 95% interval of its stage's p90.",
    "health_findings_history": "Suggestions need each deal's stage history, which this export does not hold.",
    "health_finding_win_rate": "of the {closed_words} that reached this stage, {rate} were won (95% interval {interval}); the playbook says {probability}. Suggested probability: {suggested}.",
    "health_finding_few_closed": "probability: not enough data yet ({closed} of {enough} closed deals).",
    "health_finding_days": "1 in 10 deals stayed longer than {p90} (95% interval {interval}); the stall limit is {limit}. Suggested stall limit: {suggested}, or find out why deals stall here.",
    "health_finding_few_stays": "stall limit: not enough data yet ({ended} of {enough} ended stays).",
    "health_finding_open_stays": "stall limit: too many stays are still open for a p90 yet ({open} still open, {ended} ended), but it is at least {low}, and the stall limit is {limit}.",
    "health_interval_open": "{low} or more",
    "health_at_least": "at least {low}",
    "health_calibration": "Calibration (Brier score, lower is better)",
    "health_calibration_text": "the playbook's probabilities {playbook}; the overall win rate {base}; the suggested probabilities {suggested} (over {forecasts_words}: one per closed deal and stage it reached)",
    "health_n_deals": "{n} deal|{n} deals",
    "health_n_rows": "{n} row|{n} rows",
    "health_n_closed": "{n} closed deal|{n} closed deals",
    "health_n_forecasts": "{n} forecast|{n} forecasts",
    "health_n_days": "{n} day|{n} days",
    "health_days_fraction": "{n} days",
    "health_totals": "The whole pipeline",
    "health_deals_total": "Deals",
    "health_deals_split": "{deals} ({open} open, {won} won, {lost} lost)",
    "health_win_rate": "Win rate",
    "health_avg_won": "Average won amount",
    "health_cycle": "Sales cycle of won deals",
    "health_cycle_text": "mean {mean}, median {median}",
    "health_velocity": "Velocity",
    "health_velocity_text": "{value} per day",
    "health_funnel": "Funnel",
    "health_funnel_caption": "Deals that reached each stage, and the share of them that went on to the next.",
    "health_days": "Time in stage",
    "health_days_caption": "Days a deal stays in each stage, the stays still open counted too (a Kaplan–Meier estimate): the median, and the p90 (1 in 10 stays longer), against the stall limit.",
    "health_win_rates": "Win rate against probability",
    "health_win_rates_caption": "Of the closed deals that reached each stage, the share won, with its 95% interval, against the probability the playbook gives the stage.",
    "health_open": "Open and stalled deals",
    "health_open_caption": "Deals in each stage now, and those over the stage's stall limit.",
    "health_stalled_list": "Stalled deals",
    "health_stalled_intro": "Open deals over their stage's stall limit, longest first.",
    "health_stalled_more": "and {count} more",
    "health_chart_alt": "Chart: {caption} The same figures are in the table below.",
    "health_col_stage": "Stage",
    "health_col_reached": "Reached",
    "health_col_converted": "Went on",
    "health_col_conversion": "Conversion",
    "health_col_median": "Median days",
    "health_col_p90": "P90 days",
    "health_col_p90_interval": "P90, 95% interval",
    "health_col_ended": "Ended stays",
    "health_col_still_open": "Still open",
    "health_col_closed": "Closed deals",
    "health_col_interval": "95% interval",
    "health_col_limit": "Stall limit (days)",
    "health_col_win_rate": "Win rate",
    "health_col_probability": "Probability",
    "health_col_open": "Open",
    "health_col_stalled": "Stalled",
    "health_col_deal": "Deal",
    "health_col_days": "Days in stage",
    "health_legend_reached": "deals that reached the stage",
    "health_legend_conversion": "share that went on",
    "health_legend_median": "median days",
    "health_legend_p90": "p90 days",
    "health_legend_limit": "stall limit",
    "health_legend_win_rate": "win rate",
    "health_legend_probability": "probability in the playbook",
    "health_legend_interval": "95% interval of the win rate",
    "health_legend_open": "open deals",
    "health_legend_stalled": "stalled deals",
    "health_none": "no data",
    "health_no_limit": "no limit",
    "health_panel_reached": "Reached",
    "health_panel_reached_text": "{reached} deals; {conversion} went on",
    "health_panel_days": "Days in this stage",
    "health_panel_days_text": "median {median}, p90 {p90} (limit {limit}); {ended} ended, {open} still open",
    "health_panel_open": "Open now",
    "health_panel_open_text": "{open}, of which {stalled} stalled",
    "health_panel_win_rate": "Win rate from here",
    "health_panel_win_rate_text": "{rate} of {closed_words}, 95% interval {interval} (probability {probability})",
    "health_panel_more": "The whole pipeline's health",
    "owner": "Owner",
    "last_reviewed": "Last reviewed",
    "never_reviewed": "Not reviewed yet",
    "last_changed": "Last changed",
    "review_due": "Due for review",
    "review_overdue": "Due for review since {due}; owner: {owner}.",
    "no_owner": "none named",
    "what_changed": "What changed",
    "what_changed_intro": "The latest changes to the playbook, newest first, with the pages each one changed. Each change is described in its commit's own words, in the language its author wrote them in.",
    "history_unavailable": "The history of changes is not available: this playbook was built outside a git repository, or from a shallow clone that holds only the last commits.",
    "history_empty": "No commit has changed the playbook's files yet.",
    "not_found": "404 – Page not found",
}

_PL: dict[str, str] = {
    "home": "Strona główna",
    "start_here": "Zacznij tutaj",
    "stages": "Etapy pipeline'u",
    "stage": "Etap",
    "techniques": "Techniki",
    "frameworks": "Modele kwalifikacji",
    "metrics": "Wskaźniki",
    "glossary": "Słowniczek",
    "case_studies": "Studia przypadków",
    "guides": "Poradniki",
    "pipeline": "Pipeline",
    "pipeline_intro": "Każda transakcja przechodzi przez te etapy w tej kolejności. Otwórz etap, aby zobaczyć, co musi być spełnione, zanim transakcja przejdzie dalej.",
    "probability": "Prawdopodobieństwo wygranej",
    "max_days": "Limit czasu na etapie",
    "days": "dni",
    "days_max": "maks. {n} dni",
    "closed_won": "Wygrana",
    "closed_lost": "Przegrana",
    "summary": "W skrócie",
    "description": "O etapie",
    "exit_criteria": "Kryteria wyjścia",
    "exit_criteria_intro": "Zaznacz kryterium, gdy jest już spełnione.",
    "evidence": "Dowód",
    "techniques_used": "Techniki",
    "challenges": "Wyzwania",
    "remedy": "Co robić",
    "bottleneck": "Wąskie gardło",
    "how_to_spot": "Jak je rozpoznać",
    "signals": "Sygnały gotowości do następnego etapu",
    "signals_last": "Sygnały gotowości do zamknięcia",
    "disqualify_when": "Kiedy wykluczyć leada",
    "tools": "Narzędzia",
    "questions": "O co zapytać klienta",
    "settles": "Co ustalasz na tym etapie",
    "at_a_glance": "W pigułce",
    "previous_stage": "Poprzedni etap",
    "next_stage": "Następny etap",
    "printable_checklist": "Lista kontrolna do druku",
    "printable_checklist_pdf": "Lista kontrolna do druku (PDF)",
    "used_in": "Używana na etapach",
    "not_used": "Nie jest jeszcze używana na żadnym etapie.",
    "steps": "Kroki",
    "question": "Pytanie",
    "elements": "Elementy",
    "computation": "Jak liczymy",
    "formula": "Wzór",
    "see_also": "Zobacz też",
    "context": "Kontekst",
    "change": "Co się zmieniło",
    "result": "Wynik",
    "lesson": "Wniosek",
    "reading_order": "Kolejność lektury",
    "reading_order_intro": "W pierwszych dniach przeczytaj playbook w tej kolejności.",
    "first_day": "Pierwszy dzień",
    "first_week": "Pierwszy tydzień",
    "start_intro": "Witaj w zespole. Ta strona mówi, co przeczytać najpierw i co zrobić w pierwszym dniu i w pierwszym tygodniu. Odhaczaj zadania na bieżąco.",
    "read_overview": "pipeline w pigułce i droga transakcji przez etapy",
    "read_stages": "kolejne etapy: co się na nich dzieje i co musi być spełnione, aby iść dalej",
    "read_techniques": "techniki, na których opierają się etapy",
    "read_frameworks": "jak kwalifikujemy leady",
    "read_metrics": "liczby, które obserwujemy",
    "read_glossary": "słowa, które usłyszysz",
    "read_case_studies": "przykłady udanych zmian w procesie sprzedaży",
    "read_guides": "poradniki napisane przez zespół",
    "palette_dark": "Włącz tryb ciemny",
    "palette_light": "Włącz tryb jasny",
    "objections": "Zastrzeżenia klientów",
    "objections_heard": "Zastrzeżenia, które usłyszysz",
    "objections_intro": "Rozwiń zastrzeżenie, aby zobaczyć, jak na nie odpowiedzieć.",
    "objections_page_intro": "Zastrzeżenia, które klienci zgłaszają, gdy się wahają, pogrupowane według tematu, z naszymi odpowiedziami i etapami, na których się pojawiają.",
    "avoid": "Czego unikać",
    "heard_in": "Słychać na etapach",
    "other_category": "Inne",
    "emails": "Szablony e-maili",
    "emails_for_stage": "E-maile na tym etapie",
    "emails_intro": "Skopiuj szablon przyciskiem w jego rogu i przed wysłaniem uzupełnij pola w nawiasach klamrowych, np. {firma}.",
    "subject": "Temat",
    "when_to_send": "Kiedy wysłać",
    "sent_in": "Wysyłany na etapach",
    "example": "Przykład z praktyki",
    "read_objections": "co mówią klienci, gdy się wahają, i jak im odpowiadać",
    "read_emails": "gotowe wiadomości do skopiowania, na każdy krok",
    "settled_in": "Ustalane na etapie",
    "team_settings": "Prawdopodobieństwo wygranej i limit czasu to ustawienia naszego zespołu, ustalone na podstawie naszych transakcji, a nie wyniki badań.",
    "example_value": "wartość przykładowa",
    "example_values": "Prawdopodobieństwo wygranej i limit czasu to wartości przykładowe, dopóki zespół nie ustawi własnych na podstawie swoich transakcji; nie są to wyniki badań.",
    "pipeline_examples": "Procenty i limity dni przy etapach to wartości przykładowe, dopóki zespół nie ustawi własnych.",
    "health_examples": "Prawdopodobieństwa i limity czasu w playbooku to wciąż wartości przykładowe: propozycje poniżej pomagają zespołowi ustawić własne.",
    "permalink": "Link do tej sekcji",
    "ticks_clear": "Wyczyść zaznaczenia",
    "ticks_saved": "Zaznaczenia są zapisywane tylko w tej przeglądarce.",
    # Kondycja pipeline'u (render/health.py): strona, jej wykresy i panel każdego etapu.
    "health": "Kondycja pipeline'u",
    "health_intro": "Ustawienia playbooka zestawione z prawdziwymi transakcjami zespołu: ile transakcji dochodzi do każdego etapu, jak długo na nim zostaje, jak często kończy się wygraną i gdzie utyka teraz.",
    "health_sample_title": "Dane PRZYKŁADOWE (SAMPLE)",
    "health_sample": "Te liczby pochodzą ze zmyślonych transakcji (syntetyczny przykładowy eksport), nie z CRM-u żadnego zespołu. Aby zobaczyć własny pipeline, zbuduj playbook z eksportem transakcji ze swojego CRM-u.",
    "health_source": "Źródło",
    "health_source_text": "{file} (eksport {format}): transakcje: {deals}, wiersze: {rows}",
    "health_skipped": "Wiersze pominięte z powodu błędu w pliku",
    "health_problems": "Problemy w pliku z transakcjami",
    "health_problems_intro": "Odczyt pliku z transakcjami znalazł te problemy. Wiersz z problemem jest pominięty w liczbach poniżej: popraw go w CRM i wyeksportuj plik ponownie.",
    "health_as_of": "Stan na",
    "health_no_history_title": "Liczby, które wymagają historii etapów",
    "health_no_history": "Eksport {format} zawiera obecny etap każdej transakcji, ale nie jej historię, więc nie da się z niego policzyć: liczby transakcji, które doszły do etapu, konwersji, dni na etapie ani skuteczności od każdego etapu. Pokazane są transakcje otwarte i utknięte, skuteczność ogółem, wartość transakcji i cykl sprzedaży.",
    "health_findings": "Co mówią dane",
    "health_findings_none": "Transakcje zgadzają się z playbookiem: każde prawdopodobieństwo mieści się w 95-procentowym przedziale skuteczności swojego etapu, a każdy limit czasu w 95-procentowym przedziale p90 swojego etapu.",
    "health_findings_history": "Propozycje wymagają historii etapów każdej transakcji, a ten eksport jej nie zawiera.",
    "health_finding_win_rate": "spośród zamkniętych transakcji, które doszły do tego etapu ({closed}), wygranych było {rate} (przedział 95%: {interval}); playbook podaje {probability}. Proponowane prawdopodobieństwo: {suggested}.",
    "health_finding_few_closed": "prawdopodobieństwo: na razie za mało danych ({closed} z {enough} zamkniętych transakcji).",
    "health_finding_days": "1 na 10 transakcji była na tym etapie dłużej niż {p90} (przedział 95%: {interval}); limit to {limit}. Zaproponuj limit {suggested} albo sprawdź, dlaczego transakcje tu utykają.",
    "health_finding_few_stays": "limit czasu: na razie za mało danych ({ended} z {enough} zakończonych pobytów na etapie).",
    "health_finding_open_stays": "limit czasu: zbyt wiele transakcji jest wciąż na etapie, by wyznaczyć p90 (wciąż na etapie: {open}, zakończone: {ended}), ale wynosi ono co najmniej {low}, a limit to {limit}.",
    "health_interval_open": "{low} lub więcej",
    "health_at_least": "co najmniej {low}",
    "health_calibration": "Kalibracja (wynik Briera, im niższy, tym lepiej)",
    "health_calibration_text": "prawdopodobieństwa z playbooka {playbook}; skuteczność ogółem {base}; proponowane prawdopodobieństwa {suggested} (prognozy: {forecasts}, po jednej na zamkniętą transakcję i etap, do którego doszła)",
    "health_n_deals": "{n} transakcja|{n} transakcje|{n} transakcji",
    "health_n_rows": "{n} wiersz|{n} wiersze|{n} wierszy",
    "health_n_closed": "{n} zamknięta transakcja|{n} zamknięte transakcje|{n} zamkniętych transakcji",
    "health_n_forecasts": "{n} prognoza|{n} prognozy|{n} prognoz",
    "health_n_days": "{n} dzień|{n} dni|{n} dni",
    "health_days_fraction": "{n} dnia",
    "health_totals": "Cały pipeline",
    "health_deals_total": "Transakcje",
    "health_deals_split": "{deals} (otwarte: {open}, wygrane: {won}, przegrane: {lost})",
    "health_win_rate": "Skuteczność",
    "health_avg_won": "Średnia wartość wygranej transakcji",
    "health_cycle": "Cykl sprzedaży wygranych transakcji",
    "health_cycle_text": "średnio {mean}, mediana {median}",
    "health_velocity": "Prędkość sprzedaży",
    "health_velocity_text": "{value} dziennie",
    "health_funnel": "Lejek",
    "health_funnel_caption": "Transakcje, które doszły do każdego etapu, i odsetek tych, które poszły dalej.",
    "health_days": "Czas na etapie",
    "health_days_caption": "Dni, które transakcja spędza na każdym etapie, łącznie z pobytami, które jeszcze trwają (estymator Kaplana–Meiera): mediana i p90 (1 na 10 transakcji jest dłużej), na tle limitu czasu.",
    "health_win_rates": "Skuteczność a prawdopodobieństwo",
    "health_win_rates_caption": "Odsetek wygranych wśród zamkniętych transakcji, które doszły do etapu, z przedziałem 95%, na tle prawdopodobieństwa podanego w playbooku.",
    "health_open": "Transakcje otwarte i utknięte",
    "health_open_caption": "Transakcje na każdym etapie teraz i te, które przekroczyły limit czasu etapu.",
    "health_stalled_list": "Utknięte transakcje",
    "health_stalled_intro": "Otwarte transakcje ponad limitem czasu etapu, od najdłużej czekających.",
    "health_stalled_more": "i jeszcze {count}",
    "health_chart_alt": "Wykres: {caption} Te same liczby są w tabeli pod wykresem.",
    "health_col_stage": "Etap",
    "health_col_reached": "Doszło",
    "health_col_converted": "Poszło dalej",
    "health_col_conversion": "Konwersja",
    "health_col_median": "Mediana dni",
    "health_col_p90": "P90 dni",
    "health_col_p90_interval": "P90, przedział 95%",
    "health_col_ended": "Zakończone pobyty",
    "health_col_still_open": "Wciąż na etapie",
    "health_col_closed": "Zamknięte transakcje",
    "health_col_interval": "Przedział 95%",
    "health_col_limit": "Limit (dni)",
    "health_col_win_rate": "Skuteczność",
    "health_col_probability": "Prawdopodobieństwo",
    "health_col_open": "Otwarte",
    "health_col_stalled": "Utknięte",
    "health_col_deal": "Transakcja",
    "health_col_days": "Dni na etapie",
    "health_legend_reached": "transakcje, które doszły do etapu",
    "health_legend_conversion": "odsetek transakcji, które poszły dalej",
    "health_legend_median": "mediana dni",
    "health_legend_p90": "p90 dni",
    "health_legend_limit": "limit czasu",
    "health_legend_win_rate": "skuteczność",
    "health_legend_probability": "prawdopodobieństwo w playbooku",
    "health_legend_interval": "przedział 95% skuteczności",
    "health_legend_open": "transakcje otwarte",
    "health_legend_stalled": "transakcje utknięte",
    "health_none": "brak danych",
    "health_no_limit": "bez limitu",
    "health_panel_reached": "Doszło do etapu",
    "health_panel_reached_text": "transakcje: {reached}; dalej poszło {conversion}",
    "health_panel_days": "Dni na tym etapie",
    "health_panel_days_text": "mediana {median}, p90 {p90} (limit {limit}); zakończone: {ended}, wciąż na etapie: {open}",
    "health_panel_open": "Otwarte teraz",
    "health_panel_open_text": "{open}, w tym utkniętych: {stalled}",
    "health_panel_win_rate": "Skuteczność od tego etapu",
    "health_panel_win_rate_text": "{rate}, zamknięte transakcje: {closed}, przedział 95%: {interval} (prawdopodobieństwo {probability})",
    "health_panel_more": "Kondycja całego pipeline'u",
    "owner": "Właściciel",
    "last_reviewed": "Ostatni przegląd",
    "never_reviewed": "Jeszcze bez przeglądu",
    "last_changed": "Ostatnia zmiana",
    "review_due": "Czeka na przegląd",
    "review_overdue": "Czeka na przegląd od {due}; właściciel: {owner}.",
    "no_owner": "nie wskazano",
    "what_changed": "Co się zmieniło",
    "what_changed_intro": "Ostatnie zmiany w playbooku, od najnowszej, ze stronami, które każda z nich zmieniła. Każdą zmianę opisuje jej commit, słowami i w języku autora.",
    "history_unavailable": "Historia zmian nie jest dostępna: ten playbook zbudowano poza repozytorium git albo z płytkiego klonu (shallow clone), który ma tylko ostatnie commity.",
    "history_empty": "Żaden commit nie zmienił jeszcze plików playbooka.",
    "not_found": "404 – Nie znaleziono strony",
}

LABELS: Mapping[str, Mapping[str, str]] = MappingProxyType(
    {"en": MappingProxyType(_EN), "pl": MappingProxyType(_PL)}
)


def labels(language: str) -> Mapping[str, str]:
    """The labels for ``language`` (pl or en); English for anything else."""
    return LABELS.get(language, LABELS["en"])


# The printable checklists (render/checklists.py).
CHECKLIST_LABELS: dict[str, dict[str, str]] = {
    "pl": {
        "checklist": "Lista kontrolna",
        "checklists": "Listy kontrolne etapów",
        "all_checklists": "Wszystkie listy kontrolne",
        "index_intro": "Jedna strona na etap: wydrukuj ją przed spotkaniem albo odhaczaj na tablecie.",
        "no_pdf": "Wersje PDF nie zostały wygenerowane: zainstaluj playbookgen[pdf].",
        "stage_of": "Etap {number} z {total}",
        "deal": "Lead/transakcja",
        "rep": "Handlowiec",
        "date": "Data",
        "exit_criteria": "Kryteria wyjścia z etapu",
        "criterion": "Kryterium",
        "evidence": "Dowód",
        "questions": "Pytania do klienta",
        "signals": "Sygnały gotowości",
        "red_flags": "Sygnały ostrzegawcze: wyklucz, gdy",
        "probability": "Prawdopodobieństwo wygranej",
        "max_days": "Limit czasu na etapie",
        "days": "dni",
        "example_values": "wartości przykładowe",
        "notes": "Notatki",
        "last_changed": "Ostatnia zmiana",
        "owner": "Właściciel",
        "stage_page": "Strona etapu",
        "back_to_site": "Wróć do playbooka",
    },
    "en": {
        "checklist": "Checklist",
        "checklists": "Stage checklists",
        "all_checklists": "All checklists",
        "index_intro": "One page per stage: print it before the meeting or tick it on a tablet.",
        "no_pdf": "PDF versions were not built: install playbookgen[pdf].",
        "stage_of": "Stage {number} of {total}",
        "deal": "Deal",
        "rep": "Rep",
        "date": "Date",
        "exit_criteria": "Exit criteria",
        "criterion": "Criterion",
        "evidence": "Evidence",
        "questions": "Questions to ask",
        "signals": "Signals: ready to move on",
        "red_flags": "Red flags: disqualify when",
        "probability": "Win probability",
        "max_days": "Stall limit",
        "days": "days",
        "example_values": "example values",
        "notes": "Notes",
        "last_changed": "Last changed",
        "owner": "Owner",
        "stage_page": "Stage page",
        "back_to_site": "Back to the playbook",
    },
}

# Month names as a date is written (Polish takes the genitive: "27 listopada 2026").
_MONTHS = {
    "pl": ("stycznia", "lutego", "marca", "kwietnia", "maja", "czerwca", "lipca", "sierpnia",
           "września", "października", "listopada", "grudnia"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December"),
}

# The heading of the exit criteria in a CRM's stage guidance (written by a CRM's stage export).
CRM_GUIDANCE_HEADING: dict[str, str] = {"pl": "Kryteria wyjścia", "en": "Exit criteria"}

# Said in a CRM export's file, where its format has comments, while playbook.yml has values_are_examples: true.
EXAMPLE_VALUES_COMMENT: dict[str, str] = {
    "pl": "Prawdopodobieństwa i limity czasu etapów to wartości przykładowe (values_are_examples: true "
          "w playbook/playbook.yml): zanim prognozy CRM zaczną na nich polegać, ustawcie własne na podstawie "
          "transakcji zespołu.",
    "en": "The stages' probabilities and stall limits are example values (values_are_examples: true in "
          "playbook/playbook.yml): set the team's own from its deals before the CRM's forecasts rely on them.",
}

# The closed stages the CRM export appends when a playbook marks none (export/_stages.py).
CLOSED_STAGE_NAMES: dict[str, dict[str, str]] = {
    "pl": {"won": "Wygrana", "lost": "Przegrana"},
    "en": {"won": "Closed Won", "lost": "Closed Lost"},
}


def checklist_labels(language: str) -> Mapping[str, str]:
    """The checklists' words for ``language`` (pl or en)."""
    return CHECKLIST_LABELS[language]


# Decimal mark and thousands separator as each language writes numbers (Polish: "1 234,5", with a
# no-break space), fixed here rather than read from the machine's locale, so the bytes never vary.
_NUMBER_MARKS = {"pl": (",", "\u00a0"), "en": (".", ",")}


def half_up(value: float, digits: int) -> Decimal:
    """``value`` to ``digits`` decimals, a half rounded away from zero as a spreadsheet does (62.5 -> 63, where
    Python's round() gives 62). The float is first read to 15 significant digits, as a spreadsheet shows it, so
    binary noise does not decide (0.145 * 100 is 14.499999999999998 and shows as 15)."""
    return Decimal(f"{value:.15g}").quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)


def plural(count: int, forms: str, language: str) -> str:
    """The form of ``forms`` ('1 row|{n} rows'; Polish has three: 1, 2-4, 5+) that ``count`` takes, filled in."""
    options = forms.split("|")
    if language == "pl" and len(options) == 3:
        few = count % 10 in (2, 3, 4) and count % 100 not in (12, 13, 14)
        form = options[0] if count == 1 else options[1] if few else options[2]
    else:
        form = options[0] if count == 1 else options[-1]
    return form.replace("{n}", format_number(count, 0, language))


def format_number(value: float, digits: int, language: str) -> str:
    """``value`` with ``digits`` decimals (halves rounded up), written as a reader of ``language`` writes numbers."""
    decimal, thousands = _NUMBER_MARKS.get(language, _NUMBER_MARKS["en"])
    text = f"{half_up(value, digits) + 0:,.{digits}f}"  # + 0: no "-0.0"
    return text.replace(",", "\x00").replace(".", decimal).replace("\x00", thousands)


def format_date(epoch: int, language: str) -> str:
    """The day of ``epoch`` (UTC) as a reader of ``language`` writes it: '27 listopada 2026'."""
    day = dt.datetime.fromtimestamp(epoch, tz=dt.UTC).date()
    return f"{day.day} {_MONTHS[language][day.month - 1]} {day.year}"


# The preview's problem box (`playbookgen serve`, render/preview.py). The diagnostics themselves stay
# as the terminal prints them, so what the page says can be searched for in the docs.
PREVIEW_LABELS: dict[str, dict[str, str]] = {
    "pl": {
        "stale_title": "Podgląd nie jest aktualny",
        "stale_text": "Playbook ma błędy, więc widać ostatnią poprawną wersję. Popraw plik i zapisz: "
                      "ta ramka zniknie sama.",
        "warnings_title": "Playbook jest zbudowany, ale są ostrzeżenia",
        "count": "Błędy: {errors}, ostrzeżenia: {warnings}",
        "show": "Pokaż szczegóły",
    },
    "en": {
        "stale_title": "This preview is out of date",
        "stale_text": "The playbook has errors, so you see the last good version. Fix the file and save it: "
                      "this box goes away by itself.",
        "warnings_title": "The playbook is built, with warnings",
        "count": "Errors: {errors}, warnings: {warnings}",
        "show": "Show details",
    },
}


def preview_labels(language: str) -> Mapping[str, str]:
    """The preview problem box's words for ``language``; English for anything else."""
    return PREVIEW_LABELS.get(language, PREVIEW_LABELS["en"])


def format_day(day: dt.date, language: str) -> str:
    """A calendar day as a reader of ``language`` writes it: '27 listopada 2026'."""
    return f"{day.day} {_MONTHS[language][day.month - 1]} {day.year}"
