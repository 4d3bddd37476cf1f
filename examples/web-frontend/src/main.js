import axios from "axios";
import { debounce } from "lodash";
import { nanoid } from "nanoid";
import React from "react";
import { createRoot } from "react-dom/client";

const search = debounce(async (q) => (await axios.get(`/api/orders?q=${encodeURIComponent(q)}`)).data, 200);

function App() {
  const [id] = React.useState(() => nanoid());
  return React.createElement("main", { id }, React.createElement("input", { onInput: (e) => search(e.target.value) }));
}

createRoot(document.getElementById("root")).render(React.createElement(App));
