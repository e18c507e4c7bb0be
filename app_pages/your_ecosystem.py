"""Your ecosystem: map your own civic tech and data ecosystem (a template, an upload checked row by row,
or the fictional worked example) and see its network, measures and mapping questions beside a CTDC
site's; and a self-check of six ecosystem measures drawn beside the sites' key years, shared by its link.

Uploads are read in this session's memory and kept in its session state (the latest one only); nothing
is written to disk or shared with another session.
"""

import datetime as dt
import functools

import streamlit as st

from dashboard.data.cite import repository_url
from dashboard.data.text import escape_markdown, intro_markdown
from dashboard.network import views as network_views
from dashboard.state import links
from dashboard.ui.blocks import chart_block, csv_download, lazy_expander, network_block, table_with_download, text_table
from dashboard.ui.session_choices import keep, kept, last_param
from dashboard.ui.shell import ignored_notice, page_context, raw_param, url_choice, url_tabs, view_url
from dashboard.ui.uploads import beside_site, current_map, forget_map
from dashboard.upload import templates
from dashboard.upload.result import MapResult, made_later
from dashboard.upload.tables import MAX_UPLOAD_MB, problems_frame
from dashboard.views import self_check

UPLOAD_TYPES = ["csv", "txt", "yaml", "yml", "xlsx"]
TEMPLATES = {"csv": "two CSV files", "yaml": "YAML", "xlsx": "Excel workbook"}
FORM_CHOICES = ["Not answered", "Yes", "No"]
DOWNLOADS = {
    "metrics-csv": ("Metrics per organization (CSV)", "csv", "text/csv"),
    "graphml": ("Network as GraphML (Gephi, yEd)", "graphml", "application/graphml+xml"),
    "json": ("Network as JSON (Kumu)", "json", "application/json"),
    "png": ("Picture (PNG)", "png", "image/png"),
    "svg": ("Picture (SVG)", "svg", "image/svg+xml"),
}


context = page_context()
catalog, names = context.catalog, context.site_names

st.title("Your ecosystem")
st.markdown(
    intro_markdown(
        "Map the organizations of your own place and who is tied to whom, and see the network, its measures and "
        "the questions CTDC's mapping guide raises beside a CTDC site's. Or answer six questions about your place "
        "and see it beside the seven sites' key years.",
        "The sidebar filters narrow the sites drawn beside your answers in the self-check.",
    )
)
answers_in_link = any(raw_param(p) for p in (self_check.PLACE_PARAM, *self_check.QUESTION_PARAMS))
map_tab, check_tab = url_tabs(
    context, ["Map your network", "Self-check"], "ecosystem_tab", default="Self-check" if answers_in_link else None
)


with map_tab:
    if map_tab.open:
        st.markdown("## 1. Get a template\n\n" + templates.upload_guide_markdown())
        for column, (fmt, label) in zip(st.columns(len(TEMPLATES)), TEMPLATES.items()):
            for file_name in templates.TEMPLATE_FILES[fmt]:
                column.download_button(
                    f"Template: {file_name}" if fmt == "csv" else f"Template: {label}",
                    functools.partial(templates.template_file, fmt, file_name),
                    file_name=file_name,
                    key=f"template-{file_name}",
                    icon=":material/download:",
                    on_click="ignore",
                )
        st.markdown("## 2. Upload your map, or show the worked example")
        files = st.file_uploader(
            "Your map: the two CSV files, one YAML file or one Excel workbook",
            type=UPLOAD_TYPES,
            accept_multiple_files=True,
            key="ecosystem_files",
            max_upload_size=MAX_UPLOAD_MB,
        )
        show_example = st.toggle(
            "Show the worked example: Riverbend, a fictional city",
            value=kept("example", url_choice("example", ["true", "false"], "false") == "true"),
            key="example",
            help="Every organization and tie of Riverbend is invented, to show what a filled-in map gives.",
        )
        keep("example", show_example)
        shown = current_map(files or [], show_example, catalog)
        context.share("example", "true" if shown is not None and shown.origin == "example" else None)
        if shown is not None and shown.origin == "upload":
            if not files:
                st.caption(
                    f"Showing your last upload ({escape_markdown(', '.join(shown.files))}); upload new files to replace it."
                )
                st.button("Remove it", key="remove-upload", on_click=forget_map)
            if show_example:
                st.caption("Your upload is shown instead of the worked example.")
        if shown is None:
            st.info("Upload your map, or show the worked example, to see a network here.", icon=":material/upload_file:")
        elif shown.busy:
            st.warning(escape_markdown(shown.result.problems[0]), icon=":material/hourglass_top:")
        elif not shown.result.ok or shown.network is None:
            problems = problems_frame(shown.result)
            listed = "\n".join(f"- {escape_markdown(p)}" for p in shown.result.problems[:10])
            more = f"\n\nAll {len(problems)} are in the table below." if len(problems) > 10 else ""
            st.error(
                f"Your map could not be drawn: {len(problems)} problem(s) to fix in your file, then upload it again.\n\n"
                + listed
                + more,
                icon=":material/error:",
            )
            table_with_download(problems, "map-problems")
        else:
            mine = shown.network
            for note in shown.result.notes:
                st.caption(escape_markdown(note))
            if mine.view.fictional:
                st.info(
                    "Riverbend is a fictional city: every organization and tie in this example is invented.",
                    icon=":material/science:",
                )
            st.markdown("## 3. Your network beside a CTDC site")
            site_ids = list(names)
            linked = last_param("compare") or ""
            if linked and links.site_id(linked, names) is None:
                ignored_notice("compare", (links.short_text(linked),))
            start = kept("compare", links.site_id(linked, names) or site_ids[0])
            compare_id = st.selectbox(
                "CTDC site shown beside your map",
                site_ids,
                index=site_ids.index(start),
                format_func=names.__getitem__,
                key="ecosystem_compare",
            )
            keep("compare", compare_id)
            context.share("compare", links.site_param(compare_id, names), names[site_ids[0]])
            site = network_views.site_network(catalog, compare_id, repository=repository_url())
            for column, network, heading in zip(
                st.columns(2),
                (mine, site),
                (mine.view.name, f"{site.view.name} (CTDC site)"),
            ):
                with column:
                    st.markdown(f"### {escape_markdown(heading)}")
                    network_block(network.view)

            beside = beside_site(shown, site, compare_id, catalog)
            st.markdown("## 4. Measures side by side")
            text_table(beside.measures, "measure")
            csv_download(beside.measures, f"measures-{compare_id}")

            st.markdown("## 5. Questions to ask of your map")
            prompts = beside.prompts
            st.markdown(prompts.markdown)
            with lazy_expander("Sources of the links to CTDC lessons and products", "ecosystem-prompt-sources") as is_open:
                if is_open:
                    st.markdown(prompts.sources)
            csv_download(prompts.table, f"mapping-questions-{compare_id}")

            st.markdown("## 6. Download your results\n\nFor Kumu, import the JSON file; for Gephi or yEd, open the GraphML file.")
            columns = st.columns(3)
            for index, (kind, (label, extension, mime)) in enumerate(DOWNLOADS.items()):
                columns[index % 3].download_button(
                    label,
                    made_later(
                        shown, functools.partial(MapResult.download_beside_site, kind=kind, catalog=catalog, site_id=compare_id)
                    ),
                    file_name=f"{mine.view.stem}.{extension}" if kind != "metrics-csv" else f"{mine.view.stem}-metrics.csv",
                    mime=mime,
                    key=f"result-{kind}",
                    icon=":material/download:",
                    on_click="ignore",
                )
            columns[len(DOWNLOADS) % 3].download_button(
                f"Measures beside {names[compare_id]} (CSV)",
                made_later(shown, functools.partial(MapResult.side_by_side_csv, other=site)),
                file_name=f"{mine.view.stem}-beside-{compare_id}.csv",
                mime="text/csv",
                key="result-side-by-side",
                icon=":material/download:",
                on_click="ignore",
            )

with check_tab:
    if check_tab.open:
        this_year = dt.date.today().year
        raw = {p: last_param(p) for p in (self_check.PLACE_PARAM, *self_check.QUESTION_PARAMS)}
        from_link, ignored = self_check.read_self_check(raw, this_year)
        for param, value in ignored.items():
            ignored_notice(param, (links.short_text(value),))
        start_check = kept("self-check", from_link)
        st.markdown(
            "## Where does your place stand?\n\n"
            "Answer what you know about your place; leave the rest. Your answers are drawn beside the seven CTDC "
            "sites' key years, from the same cited sources as the Ecosystem metrics page, as you answer, and travel in the "
            "link below (and the sidebar's share link and the address bar), so whoever opens it sees the same answers. "
            "They are not stored anywhere else."
        )
        # Not a form: each answer reruns the page, so the chart and both links follow it as it changes.
        st.text_input("Your place (optional)", value=start_check.place, max_chars=self_check.MAX_PLACE, key="my_place")
        for question, answer in zip(self_check.QUESTIONS, start_check.answers):
            choice, year = st.columns([3, 1], vertical_alignment="bottom")
            choice.radio(
                question.question,
                FORM_CHOICES,
                index={self_check.YES: 1, self_check.NO: 2}.get(answer.status, 0),
                key=f"{question.param}_choice",
                horizontal=True,
            )
            year.number_input(
                "Since (year)",
                min_value=self_check.EARLIEST_YEAR,
                max_value=this_year,
                value=answer.year,
                step=1,
                placeholder="year",
                key=f"{question.param}_year",
            )
        check = self_check.SelfCheck(
            self_check.clean_place(st.session_state.get("my_place")),
            tuple(
                self_check.answer_from_form(st.session_state.get(f"{q.param}_choice"), st.session_state.get(f"{q.param}_year"))
                for q in self_check.QUESTIONS
            ),
        )
        keep("self-check", check)
        given = check.params()
        for param in (self_check.PLACE_PARAM, *self_check.QUESTION_PARAMS):
            context.share(param, given.get(param))
        st.markdown("**Link to these answers:** copy it to share them; it opens this page with the same answers and chart.")
        st.code(view_url(context), language=None, wrap_lines=True)
        result = self_check.self_check_view(catalog, context.filters, check, repository_url())
        chart_block(result.chart)
        with lazy_expander(
            "Where each site stood when CTDC began, question by question, with sources", "self-check-began"
        ) as is_open:
            if is_open:
                st.markdown(result.began + "\n\n**Sources**\n\n" + result.sources)
                csv_download(result.table, "self-check")
        st.page_link(
            context.pages["metrics"],
            label="See every key year of the sites on the Ecosystem metrics page",
            icon=":material/monitoring:",
            query_params=context.link_params(),
        )
