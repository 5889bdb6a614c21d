#pragma once
// A workflow drawn as a diagram for the admin pages: statuses as labelled boxes in columns
// by their distance (in transitions) from the start status, transitions as arrows labelled
// with their names. Only coordinates and texts: web/pages/admin_workflow.mustache writes
// them as inline SVG (no script, no style attribute: the page's CSP allows neither).
#include <nlohmann/json.hpp>
#include <string>

#include "workflow/catalog.h"

namespace redress::http {

// {width, height,
//  boxes: [{id, label, category, start, column, row, x, y, w, h, cx, ty}],
//  edges: [{from, to, label, d (SVG path), lx, ly, anchor}]}, labels in language.
// Transitions between the same two statuses share one arrow, their labels joined by " / ".
// A status no transition reaches from the start gets the column after the last.
nlohmann::json workflow_diagram(const workflow::WorkflowDef& wf, const std::string& language);

}  // namespace redress::http
