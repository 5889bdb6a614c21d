# redress_embed(OUT FILE...) writes a C++ source defining redress::embedded_files():
# a table of {relative path, contents} for each FILE, regenerated when a file changes.
function(redress_embed out)
  set(files ${ARGN})
  add_custom_command(
    OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -DOUT=${out} -DROOT=${CMAKE_SOURCE_DIR} "-DFILES=${files}"
            -P ${CMAKE_SOURCE_DIR}/cmake/EmbedScript.cmake
    DEPENDS ${files} ${CMAKE_SOURCE_DIR}/cmake/EmbedScript.cmake
    COMMENT "Embedding ${out}"
    VERBATIM)
endfunction()
